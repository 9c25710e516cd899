//! Tests of the data-driven runner itself, without the real compiler.
//!
//! Unit tests cover the `.test` parser, output normalization and the
//! session bookkeeping. End-to-end tests point the runner at stand-in
//! compilers written as shell scripts (one that does nothing, so modules
//! run interpreted; one that always reports a diagnostic; one that
//! crashes; one that records its arguments) and check the verdicts, the
//! report lines and the summary, both through the library and through the
//! `run-tests` binary.

#[path = "runner/mod.rs"]
mod runner;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use runner::compare::{describe_difference, normalize_output, split_lines};
use runner::execute::{
    is_compiled_module, run_case, separate_groups, separate_groups_at_step, skip_reason,
    CaseResult, CompileMode, ExecConfig, Status,
};
use runner::python::PythonInfo;
use runner::session::{
    find_test_files, format_result, passing_ids, ratchet_regressions, run_cases, run_session,
    SessionOptions, Summary,
};
use runner::testfile::{parse_cases, parse_file, FileOperation, TestCase, VersionCondition};

// ---------------------------------------------------------------- parsing

fn parse(text: &str) -> Vec<TestCase> {
    parse_cases("run-x.test", text).expect("test text parses")
}

fn strings(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|s| s.to_string()).collect()
}

#[test]
fn parses_main_module_files_and_output() {
    let cases = parse(
        "-- header comment\n\
         [case testOne]\n\
         def f() -> int:   \n\
         \x20   return 1\n\
         -- a comment line\n\
         \n\
         [file driver.py]\n\
         import native\n\
         print(native.f())\n\
         [file pkg/__init__.py]\n\
         [out]\n\
         1\n\
         \n\
         [case testTwo]\n\
         x = 1\n",
    );
    assert_eq!(cases.len(), 2);
    let one = &cases[0];
    assert_eq!(one.id(), "run-x.test::testOne");
    assert_eq!(one.line, 2);
    assert_eq!(one.main_source, "def f() -> int:\n    return 1");
    assert_eq!(one.files.len(), 2);
    assert_eq!(one.files[0].path, "driver.py");
    assert_eq!(one.files[0].contents, "import native\nprint(native.f())");
    assert_eq!(one.files[1].path, "pkg/__init__.py");
    assert_eq!(one.files[1].contents, "");
    assert_eq!(one.expected_output((3, 11)), strings(&["1"]));
    assert!(!one.multi_step);
    assert!(one.format_error.is_none());
    assert_eq!(cases[1].main_source, "x = 1");
    assert!(cases[1].expected_output((3, 11)).is_empty());
}

#[test]
fn escapes_and_continuations() {
    let cases = parse(
        "[case testEsc]\n\
         pass\n\
         [out]\n\
         \\[1, 2]\n\
         ---- kept\n\
         -- dropped\n\
         a \\\n\
         \x20   b\n",
    );
    assert_eq!(
        cases[0].expected_output((3, 11)),
        strings(&["[1, 2]", "-- kept", "a  b"])
    );
}

#[test]
fn case_suffixes() {
    let cases = parse("[case testA-xfail]\n[case testB-skip]\n[case testC-posix]\n");
    assert_eq!(cases[0].name, "testA");
    assert!(cases[0].flags.xfail);
    assert!(cases[1].flags.skip && !cases[1].flags.xfail);
    assert_eq!(cases[2].flags.platform.as_deref(), Some("posix"));
    assert!(parse_cases("f", "[case testA-bogus]\n").is_err());
    assert!(parse_cases("f", "[case testA]\n[case testA]\n").is_err());
    assert!(parse_cases("f", "[case bad name]\n").is_err());
}

#[test]
fn version_specific_output() {
    let cases = parse(
        "[case testV]\n\
         pass\n\
         [out]\n\
         old\n\
         [out version>=3.13]\n\
         new\n",
    );
    let case = &cases[0];
    assert_eq!(case.expected_output((3, 11)), strings(&["old"]));
    assert_eq!(case.expected_output((3, 13)), strings(&["new"]));
    assert_eq!(case.expected_output((3, 14)), strings(&["new"]));
    assert!(VersionCondition::Equal(vec![3, 11]).holds((3, 11)));
    assert!(!VersionCondition::Equal(vec![3, 11]).holds((3, 12)));
}

#[test]
fn minimum_python_from_name_and_file() {
    let cases = parse("[case testMatch_python3_10]\n[case testPlain]\n[case testNew_python3_99]\n");
    assert_eq!(cases[0].min_python(), Some((3, 10)));
    assert_eq!(cases[1].min_python(), None);
    assert!(skip_reason(&cases[0], (3, 11)).is_none());
    let reason = skip_reason(&cases[2], (3, 11)).expect("skipped");
    assert!(reason.contains("3.99"), "{reason}");
    let file_cases = parse_cases("run-python312.test", "[case testX]\n").unwrap();
    assert_eq!(file_cases[0].min_python(), Some((3, 12)));
    assert!(skip_reason(&file_cases[0], (3, 11)).is_some());
}

#[test]
fn multi_step_cases_are_detected_and_run() {
    let cases = parse(
        "[case testA]\npass\n[file other.py]\nx = 1\n[file other.py.2]\nx = 2\n\
         [case testB]\npass\n[out]\n[out2]\nb\n\
         [case testC]\npass\n[delete other.py.2]\n",
    );
    for case in &cases {
        assert!(case.multi_step, "{}", case.name);
        assert!(skip_reason(case, (3, 11)).is_none(), "{}", case.name);
        assert_eq!(case.step_count(), 2, "{}", case.name);
    }
    assert_eq!(cases[0].files.len(), 1, "step-2 files are not step-1 files");
    assert_eq!(cases[0].files[0].contents, "x = 1");
}

#[test]
fn parses_steps_operations_and_expectations() {
    let cases = parse(
        "[case testSteps]\n\
         import other\n\
         [file other.py]\n\
         x = 1\n\
         [file gone.py]\n\
         [file other.py.2]\n\
         x = 2\n\
         [delete gone.py.2]\n\
         [file pkg/other_new.py.3]\n\
         y = 3\n\
         [file other.py.3]\n\
         x = 3\n\
         [out]\n\
         one\n\
         [out2]\n\
         two\n\
         [out2 version>=3.99]\n\
         future\n\
         [out4]\n\
         four\n\
         [rechecked other, native]\n\
         [stale2 other]\n\
         [rechecked3]\n\
         [stale other]\n",
    );
    let case = &cases[0];
    assert!(case.format_error.is_none(), "{:?}", case.format_error);
    assert_eq!(case.step_count(), 4, "[out4] makes a fourth step");
    assert_eq!(
        case.operations(2),
        vec![
            FileOperation::Write {
                path: "other.py".to_string(),
                contents: "x = 2".to_string()
            },
            FileOperation::Delete {
                path: "gone.py".to_string()
            },
        ]
    );
    assert_eq!(
        case.operations(3),
        vec![
            FileOperation::Write {
                path: "pkg/other_new.py".to_string(),
                contents: "y = 3".to_string()
            },
            FileOperation::Write {
                path: "other.py".to_string(),
                contents: "x = 3".to_string()
            },
        ]
    );
    assert!(case.operations(4).is_empty());
    assert_eq!(case.expected_output_of_step(1, (3, 11)), strings(&["one"]));
    assert_eq!(case.expected_output_of_step(2, (3, 11)), strings(&["two"]));
    assert_eq!(
        case.expected_output_of_step(2, (3, 99)),
        strings(&["future"])
    );
    assert!(
        case.expected_output_of_step(3, (3, 11)).is_empty(),
        "no [out3]: nothing"
    );
    assert_eq!(case.expected_output_of_step(4, (3, 11)), strings(&["four"]));
    let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    // [rechecked] is about step 2, [rechecked2] (from [stale2]) step 3.
    assert_eq!(case.expected_rechecked(1), None);
    assert_eq!(case.expected_rechecked(2), Some(&set(&["native", "other"])));
    assert_eq!(case.expected_rechecked(3), Some(&set(&["other"])));
    assert_eq!(case.expected_rechecked(4), Some(&set(&[])));
    assert_eq!(case.expected_rechecked(5), None);
    assert_eq!(case.stale.get(&1), Some(&set(&["other"])));

    let bad = parse(
        "[case testStaleNotRechecked]\n[rechecked a]\n[stale b]\n\
         [case testDeleteStep1]\n[delete x.py.1]\n\
         [case testDeleteNoStep]\n[delete x.py]\n\
         [case testFileStep1]\n[file x.py.1]\n\
         [case testEscape]\n[file ../x.py.2]\n",
    );
    for case in &bad {
        assert!(
            case.format_error.is_some(),
            "{} should be a format error",
            case.name
        );
    }
    assert!(bad[0]
        .format_error
        .as_ref()
        .unwrap()
        .message
        .contains("subset"));
}

#[test]
fn bad_sections_are_case_errors() {
    let cases = parse("[case testA]\npass\n[frobnicate]\n[case testB]\n[file ../x.py]\n");
    assert!(cases[0]
        .format_error
        .as_ref()
        .unwrap()
        .message
        .contains("frobnicate"));
    assert!(cases[1].format_error.is_some());
}

#[test]
fn compiled_module_convention() {
    assert!(is_compiled_module("other.py"));
    assert!(is_compiled_module("other_a.py"));
    assert!(is_compiled_module("pkg/other_sub.py"));
    assert!(!is_compiled_module("driver.py"));
    assert!(!is_compiled_module("interp.py"));
    assert!(!is_compiled_module("pkg/__init__.py"));
    assert!(!is_compiled_module("other.pyi"));
    // Packages named other* are compiled (their __init__), as upstream.
    assert!(is_compiled_module("other_pkg/__init__.py"));
    assert!(is_compiled_module("pkg/other_sub/__init__.py"));
    assert!(!is_compiled_module("other_pkg/helper.py"));
    assert!(!is_compiled_module("__init__.py"));
}

#[test]
fn separate_mode_flags_follow_the_case() {
    let cases = parse(
        "[case testPlain]\nx = 1\n[case testGroups]\n# separate: [([\"native.py\", \"other_a.py\", \"pkg/__init__.py\"], \"stuff\")]\nx = 1\n[case testX_separate]\nx = 1\n",
    );
    let modules = strings(&["native.py", "other_a.py", "other_b.py"]);
    assert!(CompileMode::Default.flags(&cases[0], &modules).is_empty());
    assert_eq!(
        CompileMode::MultiFile.flags(&cases[0], &modules),
        strings(&["--multi-file"])
    );
    assert_eq!(
        CompileMode::Separate.flags(&cases[0], &modules),
        strings(&["--separate"])
    );
    // Only the listed files that are compiled go into the explicit group.
    assert_eq!(
        CompileMode::Separate.flags(&cases[1], &modules),
        strings(&["--separate", "--group", "stuff=native.py,other_a.py"])
    );
    assert!(CompileMode::Default.flags(&cases[1], &modules).is_empty());
    // `_separate` cases are compiled separately in every mode.
    assert_eq!(
        CompileMode::Default.flags(&cases[2], &modules),
        strings(&["--separate"])
    );
    assert_eq!(
        separate_groups("# separate: [([\"a.py\"], \"g1\"), ([\"b.py\", \"c.py\"], \"g2\")]"),
        vec![
            ("g1".to_string(), strings(&["a.py"])),
            ("g2".to_string(), strings(&["b.py", "c.py"]))
        ]
    );
    assert!(separate_groups("# separate2: []\n").is_empty());
}

#[test]
fn separate_groups_per_step() {
    let source = "# separate: [([\"other_a.py\", \"other_b.py\"], \"stuff\")]\n# separate2: []\n# separate3: [([\"native.py\", \"other_b.py\"], \"g3\")]\nx = 1\n";
    let stuff = vec![("stuff".to_string(), strings(&["other_a.py", "other_b.py"]))];
    assert_eq!(separate_groups_at_step(source, 1), stuff);
    assert!(separate_groups_at_step(source, 2).is_empty());
    assert_eq!(
        separate_groups_at_step(source, 3),
        vec![("g3".to_string(), strings(&["native.py", "other_b.py"]))]
    );
    assert_eq!(
        separate_groups_at_step(source, 4),
        stuff,
        "back to # separate:"
    );
    let cases = parse(&format!("[case testG]\n{source}"));
    let modules = strings(&["native.py", "other_a.py", "other_b.py"]);
    assert_eq!(
        CompileMode::Separate.flags_at_step(&cases[0], &modules, 2),
        strings(&["--separate"])
    );
    assert_eq!(
        CompileMode::Separate.flags_at_step(&cases[0], &modules, 3),
        strings(&["--separate", "--group", "g3=native.py,other_b.py"])
    );
    assert!(CompileMode::Default
        .flags_at_step(&cases[0], &modules, 3)
        .is_empty());
}

/// The corpus that the runner exists for: every case must parse.
#[test]
fn every_conformance_case_parses() {
    let corpus = runner::default_corpus_dir();
    assert!(
        corpus.is_dir(),
        "conformance corpus not found at {}",
        corpus.display()
    );
    let files = find_test_files(&[corpus]).expect("corpus lists");
    assert!(files.len() > 40, "only {} files", files.len());
    let mut total = 0;
    for file in &files {
        let parsed = parse_file(file).unwrap_or_else(|e| panic!("{e}"));
        for case in &parsed.cases {
            assert!(
                case.format_error.is_none(),
                "{}: {:?}",
                case.id(),
                case.format_error
            );
        }
        total += parsed.cases.len();
    }
    assert!(total > 350, "only {total} cases");
}

// ---------------------------------------------------------------- comparing

#[test]
fn normalizes_paths_spaces_and_addresses() {
    let raw =
        "Traceback (most recent call last):\n  File \"/tmp/d/driver.py\", line 3, in <module>\n\
               x  \r\n<a.F object at 0x7f12ab>\nat 0xzz\n";
    let lines = normalize_output(raw, "/tmp/d");
    assert_eq!(
        lines,
        strings(&[
            "Traceback (most recent call last):",
            "  File \"driver.py\", line 3, in <module>",
            "x",
            "<a.F object at 0x000000000000>",
            "at 0xzz",
        ])
    );
}

#[test]
fn splits_like_python() {
    assert_eq!(split_lines("a\nb\r\nc\rd"), strings(&["a", "b", "c", "d"]));
    assert_eq!(split_lines("a\n\n"), strings(&["a", ""]));
    assert!(split_lines("").is_empty());
}

#[test]
fn difference_names_first_differing_line() {
    let e = strings(&["1", "2", "3"]);
    assert!(describe_difference(&e, &e).is_none());
    let d = describe_difference(&e, &strings(&["1", "x", "3"])).unwrap();
    assert!(
        d[0].contains("line 2") && d[0].contains("\"x\""),
        "{}",
        d[0]
    );
    let d = describe_difference(&e, &strings(&["1"])).unwrap();
    assert!(d[0].contains("ends after 1 lines"), "{}", d[0]);
    let d = describe_difference(&[], &strings(&["boom"])).unwrap();
    assert!(d[0].contains("unexpected extra output"), "{}", d[0]);
}

// ---------------------------------------------------------------- session

fn result(id: &str, status: Status) -> CaseResult {
    CaseResult {
        id: id.to_string(),
        status,
        reason: String::new(),
        details: Vec::new(),
    }
}

#[test]
fn summary_and_ratchet_bookkeeping() {
    let results = vec![
        result("f::b", Status::Pass),
        result("f::a", Status::XPass),
        result("f::c", Status::Fail),
        result("f::d", Status::Skip),
        result("f::e", Status::XFail),
    ];
    let s = Summary::of(&results);
    assert_eq!(s.to_string(), "2 passed, 1 failed, 2 skipped");
    assert_eq!(passing_ids(&results), strings(&["f::a", "f::b"]));
    let listed = strings(&["f::a", "f::c", "f::d", "f::gone"]);
    let regressions = ratchet_regressions(&listed, &results);
    assert_eq!(regressions.len(), 3);
    assert!(regressions[0].starts_with("f::c (failed"));
    assert!(regressions[2].contains("not found"));
    assert_eq!(format_result(&results[0], false), strings(&["PASS f::b"]));
}

// ---------------------------------------------------------------- end to end

/// A scratch directory with stand-in compilers and a `.test` file.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        let status = Command::new("chmod").arg("+x").arg(&path).status().unwrap();
        assert!(status.success());
        path
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn config(mypyc: &Path) -> ExecConfig {
    let corpus = runner::default_corpus_dir();
    let (default_driver, testutil) = runner::fixture_paths(&corpus);
    runner::check_fixtures(&default_driver, &testutil).expect("fixtures present");
    ExecConfig {
        mypyc: mypyc.to_path_buf(),
        python: PythonInfo::probe("python3").expect("python3 runs"),
        pass_python: false,
        opt_level: 0,
        run_timeout: Duration::from_secs(2),
        compile_timeout: Duration::from_secs(30),
        require_extension: false,
        default_driver,
        testutil,
        keep_failed: None,
        mode: CompileMode::Default,
        probe: None,
    }
}

const SAMPLE: &str = r#"
[case testDefaultDriver]
from testutil import assertRaises
def test_add() -> None:
    assert 1 + 1 == 2
    with assertRaises(ZeroDivisionError):
        1 // 0

[case testOutput]
import other
print(other.x + 1)
[file other.py]
x = 41
[file driver.py]
import native
import interpreted
[out]
42
42

[case testWrongOutput]
print("bye")
[out]
hello

[case testTraceback]
def f() -> None:
    raise ValueError("bad")
[file driver.py]
import traceback
from native import f
try:
    f()
except Exception:
    traceback.print_exc()
[out]
Traceback (most recent call last):
  File "driver.py", line 4, in <module>
    f()
  File "native.py", line 2, in f
    raise ValueError("bad")
ValueError: bad

[case testExitStatus]
import sys
sys.exit(3)

[case testCrash]
import os
os.abort()

[case testHang]
import time
time.sleep(30)

[case testExpectedFailure-xfail]
def test_bad() -> None:
    assert False

[case testFuture_python9_0]
def test_x() -> None:
    pass

[case testSteps]
def test_one() -> None:
    pass
[file native.py.2]
def test_two() -> None:
    pass
"#;

fn status_of(results: &[CaseResult], name: &str) -> (Status, String) {
    let r = results
        .iter()
        .find(|r| r.id.ends_with(&format!("::{name}")))
        .unwrap_or_else(|| panic!("no result for {name}"));
    (r.status, r.reason.clone())
}

#[test]
fn interpreted_verdicts_with_noop_compiler() {
    let s = Scratch::new();
    let noop = s.script("noop", "exit 0");
    let test = s.file("run-sample.test", SAMPLE);
    let cases = parse_file(&test).unwrap().cases;
    let mut order = Vec::new();
    let results = run_cases(&cases, &config(&noop), 4, |r| order.push(r.id.clone()));
    let expected_order: Vec<String> = cases.iter().map(|c| c.id()).collect();
    assert_eq!(order, expected_order, "reported in case order");

    assert_eq!(status_of(&results, "testDefaultDriver").0, Status::Pass);
    assert_eq!(status_of(&results, "testOutput").0, Status::Pass);
    assert_eq!(status_of(&results, "testTraceback").0, Status::Pass);
    let (st, why) = status_of(&results, "testWrongOutput");
    assert_eq!(st, Status::Fail);
    assert!(why.contains("expected \"hello\", got \"bye\""), "{why}");
    let (st, why) = status_of(&results, "testExitStatus");
    assert_eq!(st, Status::Fail);
    assert!(why.contains("exited with status 3"), "{why}");
    let (st, why) = status_of(&results, "testCrash");
    assert_eq!(st, Status::Fail);
    assert!(why.contains("crashed") && why.contains("signal 6"), "{why}");
    let (st, why) = status_of(&results, "testHang");
    assert_eq!(st, Status::Fail);
    assert!(why.contains("timed out"), "{why}");
    assert_eq!(status_of(&results, "testExpectedFailure").0, Status::XFail);
    let (st, why) = status_of(&results, "testFuture_python9_0");
    assert_eq!(st, Status::Skip);
    assert!(why.contains("needs Python 9.0+"), "{why}");
    assert_eq!(status_of(&results, "testSteps").0, Status::Pass);
    assert_eq!(
        Summary::of(&results).to_string(),
        "4 passed, 4 failed, 2 skipped"
    );
}

#[test]
fn compiler_diagnostics_fail_the_case() {
    let s = Scratch::new();
    let bad = s.script(
        "bad",
        "echo 'native.py:1:5: error: Name \"y\" is not defined  [name-defined]' >&2\nexit 1",
    );
    let test = s.file(
        "run-sample.test",
        "[case testA]\nx = y\n[case testB-xfail]\npass\n",
    );
    let cases = parse_file(&test).unwrap().cases;
    let results = run_cases(&cases, &config(&bad), 2, |_| {});
    assert_eq!(results[0].status, Status::Fail);
    assert!(
        results[0]
            .reason
            .starts_with("compile error: native.py:1:5: error: Name"),
        "{}",
        results[0].reason
    );
    assert!(results[0]
        .details
        .iter()
        .any(|d| d.contains("[name-defined]")));
    assert_eq!(results[1].status, Status::XFail);
}

#[test]
fn compiler_crash_and_missing_extension() {
    let s = Scratch::new();
    let crash = s.script("crash", "kill -SEGV $$");
    let test = s.file("run-sample.test", "[case testA]\npass\n");
    let case = &parse_file(&test).unwrap().cases[0];
    let r = run_case(case, &config(&crash));
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.reason.contains("compiler crashed") && r.reason.contains("SIGSEGV"),
        "{}",
        r.reason
    );

    let noop = s.script("noop", "exit 0");
    let mut strict = config(&noop);
    strict.require_extension = true;
    let r = run_case(case, &strict);
    assert_eq!(r.status, Status::Fail);
    assert!(r.reason.contains("no native extension"), "{}", r.reason);
}

#[test]
fn compiler_gets_build_dir_opt_level_and_compiled_modules() {
    let s = Scratch::new();
    let log = s.path("args.log");
    let logger = s.script(
        "logger",
        &format!(
            "echo \"$@\" > '{}'\nls > '{}.cwd'",
            log.display(),
            log.display()
        ),
    );
    let test = s.file(
        "run-sample.test",
        "[case testA]\nimport other\ndef test_a() -> None:\n    pass\n[file other.py]\n[file pkg/__init__.py]\n[file pkg/other_sub.py]\n[file interp.py]\n[file other_pkg/__init__.py]\n",
    );
    let case = &parse_file(&test).unwrap().cases[0];
    let mut cfg = config(&logger);
    cfg.opt_level = 2;
    let r = run_case(case, &cfg);
    assert_eq!(r.status, Status::Pass, "{r:?}");
    let args = std::fs::read_to_string(&log).unwrap();
    let args: Vec<&str> = args.split_whitespace().collect();
    assert_eq!(args[0], "--build-dir");
    assert!(args[1].ends_with("/build"), "{}", args[1]);
    assert_eq!(
        &args[2..],
        [
            "-O",
            "2",
            "native.py",
            "other.py",
            "pkg/other_sub.py",
            "other_pkg/__init__.py"
        ]
    );
    let listing = std::fs::read_to_string(format!("{}.cwd", log.display())).unwrap();
    for name in [
        "driver.py",
        "interpreted.py",
        "native.py",
        "other_interpreted.py",
        "testutil.py",
        "build",
    ] {
        assert!(
            listing.lines().any(|l| l == name),
            "{name} missing in {listing}"
        );
    }
}

// ---------------------------------------------------------------- steps

/// A driver that prints the case directory's `.so` files and
/// `*_interpreted.py` copies, `other_a.py` (not imported: the stand-in
/// compiler's extensions are empty files) and `helper.y`.
const LISTING_DRIVER: &str = "[file driver.py]\n\
import glob, os\n\
print(sorted(glob.glob('**/*.so', recursive=True)))\n\
print(sorted(glob.glob('**/*_interpreted.py', recursive=True)))\n\
print(open('other_a.py').read())\n\
if os.path.exists('helper.py'):\n\
\x20   import helper\n\
\x20   print('y', helper.y)\n";

#[test]
fn steps_replace_create_and_delete_files() {
    let s = Scratch::new();
    let log = s.path("args.log");
    // Logs its arguments and leaves a (fake) extension per compiled module,
    // as a real compiler would.
    let compiler = s.script(
        "fake",
        &format!(
            "echo \"$@\" >> '{}'\nfor a in \"$@\"; do case \"$a\" in *.py) touch \"${{a%.py}}.so\";; esac; done",
            log.display()
        ),
    );
    let test = s.file(
        "run-steps.test",
        &format!(
            "[case testSteps]\n\
             x = 1\n\
             [file other_a.py]\n\
             x = 1\n\
             [file other_b.py]\n\
             [file helper.py]\n\
             y = 1\n\
             {LISTING_DRIVER}\
             [file other_a.py.2]\n\
             x = 2\n\
             [file helper.py.2]\n\
             y = 2\n\
             [delete other_b.py.2]\n\
             [file pkg/other_c.py.3]\n\
             [delete helper.py.3]\n\
             [out]\n\
             \\['native.so', 'other_a.so', 'other_b.so']\n\
             \\['other_a_interpreted.py', 'other_b_interpreted.py']\n\
             x = 1\n\
             y 1\n\
             [out2]\n\
             \\['native.so', 'other_a.so']\n\
             \\['other_a_interpreted.py']\n\
             x = 2\n\
             y 2\n\
             [out3]\n\
             \\['native.so', 'other_a.so', 'pkg/other_c.so']\n\
             \\['other_a_interpreted.py', 'pkg/pkg.other_c_interpreted.py']\n\
             x = 2\n"
        ),
    );
    let case = &parse_file(&test).unwrap().cases[0];
    let keep = s.path("kept");
    let mut cfg = config(&compiler);
    cfg.keep_failed = Some(keep.clone());
    let r = run_case(case, &cfg);
    assert_eq!(r.status, Status::Pass, "{r:?}");
    // The compiled modules follow the files of each step; default mode
    // passes no -v.
    let calls: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(
        calls[0].ends_with(" native.py other_a.py other_b.py"),
        "{}",
        calls[0]
    );
    assert!(calls[1].ends_with(" native.py other_a.py"), "{}", calls[1]);
    assert!(
        calls[2].ends_with(" native.py other_a.py pkg/other_c.py"),
        "{}",
        calls[2]
    );
    assert!(calls.iter().all(|c| !c.contains(" -v")), "{calls:?}");
    // The same build directory every step.
    let build_dirs: BTreeSet<&str> = calls.iter().map(|c| c.split(' ').nth(1).unwrap()).collect();
    assert_eq!(build_dirs.len(), 1, "{calls:?}");
    assert!(!keep.exists(), "nothing kept for a passing case");
}

#[test]
fn a_failing_later_step_is_named_and_kept() {
    let s = Scratch::new();
    // Fails only once other.py says so, which it does from step 2.
    let compiler = s.script(
        "picky",
        "if grep -q bad other.py; then echo 'other.py:1:1: error: bad step  [misc]' >&2; exit 1; fi",
    );
    let test = s.file(
        "run-steps.test",
        "[case testCompileFails]\n\
         import other\n\
         [file other.py]\n\
         good = 1\n\
         [file other.py.2]\n\
         bad = 1\n\
         [file other.py.3]\n\
         good = 3\n\
         [file driver.py]\n\
         import native\n\
         [case testOutputFails]\n\
         import other\n\
         print(other.v)\n\
         [file other.py]\n\
         v = 1\n\
         [file other.py.2]\n\
         v = 2\n\
         [file driver.py]\n\
         import native\n\
         [out]\n\
         1\n\
         [out2]\n\
         3\n\
         [case testStepWithoutOut]\n\
         print('hi')\n\
         [file driver.py]\n\
         import native\n\
         [file native.py.2]\n\
         print('hi')\n\
         [out]\n\
         hi\n\
         [out3]\n\
         hi\n",
    );
    let cases = parse_file(&test).unwrap().cases;
    let keep = s.path("kept");
    let mut cfg = config(&compiler);
    cfg.keep_failed = Some(keep.clone());
    let results = run_cases(&cases, &cfg, 2, |_| {});

    let (st, why) = status_of(&results, "testCompileFails");
    assert_eq!(st, Status::Fail);
    assert!(
        why.starts_with("step 2: compile error: other.py:1:1: error: bad step"),
        "{why}"
    );
    // The directory as it was after the failing step.
    let kept = keep.join("run-steps.test__testCompileFails");
    assert_eq!(
        std::fs::read_to_string(kept.join("other.py")).unwrap(),
        "bad = 1"
    );

    let (st, why) = status_of(&results, "testOutputFails");
    assert_eq!(st, Status::Fail);
    assert!(
        why.starts_with("step 2: line 1: expected \"3\", got \"2\""),
        "{why}"
    );

    // No [out2]: step 2 must print nothing (upstream's
    // `output2.get(step, [])`).
    let (st, why) = status_of(&results, "testStepWithoutOut");
    assert_eq!(st, Status::Fail);
    assert!(
        why.starts_with("step 2: unexpected extra output at line 1: \"hi\""),
        "{why}"
    );
}

#[test]
fn same_size_change_in_a_later_step_is_seen() {
    // Python's .pyc files record the source's mtime in seconds and its
    // size: without the runner moving a rewritten file's mtime on, a
    // same-size change made within the same second would run the stale
    // bytecode. The same holds for the interpreted copies of compiled
    // modules. (The driver writes bytecode even when the environment says
    // not to.)
    let s = Scratch::new();
    let noop = s.script("noop", "exit 0");
    let test = s.file(
        "run-steps.test",
        "[case testSameSize]\n\
         [file helper.py]\n\
         v = 1\n\
         [file helper.py.2]\n\
         v = 2\n\
         [file helper.py.3]\n\
         v = 3\n\
         [file other_a.py]\n\
         w = 1\n\
         [file other_a.py.2]\n\
         w = 2\n\
         [file other_a.py.3]\n\
         w = 3\n\
         [file driver.py]\n\
         import sys\n\
         sys.dont_write_bytecode = False\n\
         import helper, other_a_interpreted\n\
         print(helper.v, other_a_interpreted.w)\n\
         [out]\n\
         1 1\n\
         [out2]\n\
         2 2\n\
         [out3]\n\
         3 3\n",
    );
    let case = &parse_file(&test).unwrap().cases[0];
    let r = run_case(case, &config(&noop));
    assert_eq!(r.status, Status::Pass, "{r:?}");
}

/// A stand-in compiler that, under `-v`, reports the modules listed in
/// the case's `report.txt` as re-checked (the case says per step what the
/// "compiler" re-checks), and logs its arguments.
fn rechecking_compiler(s: &Scratch) -> (PathBuf, PathBuf) {
    let log = s.path("args.log");
    let compiler = s.script(
        "rechecker",
        &format!(
            "echo \"$@\" >> '{}'\n\
             case \" $* \" in *\" -v \"*) if [ -f report.txt ]; then awk '{{print \"mypyc: rechecked \" $0}}' report.txt >&2; fi;; esac\n\
             echo 'mypyc: wrote native.so' >&2",
            log.display()
        ),
    );
    (compiler, log)
}

const RECHECKED_CASES: &str = "[case testMatch]\n\
[file driver.py]\n\
import native\n\
import other_a\n\
[file other_a.py]\n\
[file other_a.py.2]\n\
x = 1\n\
[file report.txt.2]\n\
other_a\n\
builtins\n\
typing\n\
__main__\n\
native\n\
[rechecked native, other_a]\n\
[case testMismatch]\n\
import other_a\n\
[file driver.py]\n\
import native\n\
[file other_a.py]\n\
[file other_a.py.2]\n\
x = 1\n\
[file report.txt.2]\n\
native\n\
other_b\n\
[file other_b.py]\n\
[rechecked native, other_a]\n\
[case testNotReported]\n\
import other_a\n\
[file driver.py]\n\
import native\n\
[file other_a.py]\n\
[file other_a.py.2]\n\
x = 1\n\
[rechecked other_a]\n\
[case testThirdStep]\n\
import other_a\n\
[file driver.py]\n\
import native\n\
[file other_a.py]\n\
[file other_a.py.2]\n\
x = 1\n\
[file report.txt.2]\n\
other_a\n\
[file other_a.py.3]\n\
x = 2\n\
[file report.txt.3]\n\
other_a\n\
[rechecked other_a]\n\
[rechecked2 native, other_a]\n";

#[test]
fn rechecked_modules_are_compared_in_separate_mode() {
    let s = Scratch::new();
    let (compiler, log) = rechecking_compiler(&s);
    let test = s.file("run-steps.test", RECHECKED_CASES);
    let cases = parse_file(&test).unwrap().cases;
    let mut cfg = config(&compiler);
    cfg.mode = CompileMode::Separate;
    let results = run_cases(&cases, &cfg, 1, |_| {});

    // Stub and standard-library modules and __main__ are not compared.
    let (st, why) = status_of(&results, "testMatch");
    assert_eq!(st, Status::Pass, "{why}");
    let (st, why) = status_of(&results, "testMismatch");
    assert_eq!(st, Status::Fail);
    assert_eq!(
        why,
        "step 2: [rechecked ...]: compiler rechecked (native, other_b), expected (native, other_a)"
    );
    let details = &results
        .iter()
        .find(|r| r.id.ends_with("testMismatch"))
        .unwrap()
        .details;
    assert_eq!(
        details,
        &strings(&["not rechecked: other_a", "rechecked unexpectedly: other_b"])
    );
    let (st, why) = status_of(&results, "testNotReported");
    assert_eq!(st, Status::Fail);
    assert_eq!(
        why,
        "step 2: [rechecked ...]: compiler did not report rechecked modules (expected other_a)"
    );
    // [rechecked2] is about step 3.
    let (st, why) = status_of(&results, "testThirdStep");
    assert_eq!(st, Status::Fail);
    assert_eq!(
        why,
        "step 3: [rechecked2 ...]: compiler rechecked (other_a), expected (native, other_a)"
    );
    // -v only in the steps whose re-checked modules are compared.
    let calls = std::fs::read_to_string(&log).unwrap();
    let verbose: Vec<bool> = calls.lines().map(|c| c.contains(" -v ")).collect();
    assert_eq!(
        verbose,
        [false, true, false, true, false, true, false, true, true],
        "{calls}"
    );
}

#[test]
fn rechecked_modules_are_not_compared_in_default_mode() {
    let s = Scratch::new();
    let (compiler, log) = rechecking_compiler(&s);
    let test = s.file("run-steps.test", RECHECKED_CASES);
    let cases = parse_file(&test).unwrap().cases;
    let results = run_cases(&cases, &config(&compiler), 1, |_| {});
    for r in &results {
        assert_eq!(r.status, Status::Pass, "{r:?}");
    }
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(calls.lines().count(), 9);
    assert!(!calls.contains(" -v "), "{calls}");
}

#[test]
fn verbose_lines_stay_out_of_compile_failures() {
    let s = Scratch::new();
    let compiler = s.script(
        "failing",
        "echo 'mypyc: rechecked native' >&2\n\
         echo 'native.py:1:0: note: class \"C\" is not a native class: reasons' >&2\n\
         if [ -f broken ]; then echo 'native.py:2:1: error: broken  [misc]' >&2; exit 1; fi",
    );
    let test = s.file(
        "run-steps.test",
        "[case testBreaks]\npass\n[file driver.py]\nimport native\n[file broken.2]\n[rechecked native]\n",
    );
    let case = &parse_file(&test).unwrap().cases[0];
    let mut cfg = config(&compiler);
    cfg.mode = CompileMode::Separate;
    let r = run_case(case, &cfg);
    assert_eq!(r.status, Status::Fail);
    assert_eq!(
        r.reason,
        "step 2: compile error: native.py:2:1: error: broken  [misc]"
    );
    assert_eq!(
        r.details,
        strings(&["native.py:2:1: error: broken  [misc]"])
    );
}

#[test]
fn separate_groups_change_between_steps() {
    let s = Scratch::new();
    let log = s.path("args.log");
    let logger = s.script("logger", &format!("echo \"$@\" >> '{}'", log.display()));
    let test = s.file(
        "run-steps.test",
        "[case testGroups]\n\
         # separate: [([\"other_a.py\", \"other_b.py\"], \"stuff\")]\n\
         # separate2: []\n\
         import other_a, other_b\n\
         [file other_a.py]\n\
         [file other_b.py]\n\
         [file other_a.py.2]\n\
         [file other_b.py.3]\n\
         [file driver.py]\n\
         import native\n",
    );
    let case = &parse_file(&test).unwrap().cases[0];
    let mut cfg = config(&logger);
    cfg.mode = CompileMode::Separate;
    let r = run_case(case, &cfg);
    assert_eq!(r.status, Status::Pass, "{r:?}");
    let calls: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(calls.len(), 3, "{calls:?}");
    let group = "--separate --group stuff=other_a.py,other_b.py native.py other_a.py other_b.py";
    assert!(calls[0].ends_with(group), "{}", calls[0]);
    assert!(
        calls[1].ends_with(" --separate native.py other_a.py other_b.py"),
        "{}",
        calls[1]
    );
    assert!(calls[2].ends_with(group), "{}", calls[2]);
}

fn run_binary(args: &[&str]) -> (i32, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_run-tests"))
        .args(args)
        .output()
        .expect("run-tests runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text.lines().map(str::to_string).collect(),
    )
}

#[test]
fn binary_reports_filters_and_ratchets() {
    let s = Scratch::new();
    let noop = s.script("noop", "exit 0");
    let test = s.file(
        "run-sample.test",
        "[case testGood]\nprint(1)\n[file driver.py]\nimport native\n[out]\n1\n[case testBad]\nprint(2)\n[file driver.py]\nimport native\n[out]\n3\n[case testSkipped-skip]\n",
    );
    let noop = noop.to_str().unwrap();
    let test = test.to_str().unwrap();
    let base = ["--mypyc", noop, "--interpreted", test];

    let passing = s.path("passing.txt");
    let keep = s.path("kept");
    let mut args = base.to_vec();
    args.extend([
        "--write-passing",
        passing.to_str().unwrap(),
        "--keep-failed",
        keep.to_str().unwrap(),
    ]);
    let (code, lines) = run_binary(&args);
    assert_eq!(code, 1);
    assert_eq!(lines[0], "PASS run-sample.test::testGood");
    assert!(
        lines[1].starts_with("FAIL run-sample.test::testBad: line 1: expected \"3\", got \"2\"")
    );
    assert!(lines
        .iter()
        .any(|l| l == "SKIP run-sample.test::testSkipped: marked -skip"));
    assert_eq!(lines.last().unwrap(), "1 passed, 1 failed, 1 skipped");
    assert_eq!(
        std::fs::read_to_string(&passing).unwrap(),
        "run-sample.test::testGood\n"
    );
    assert!(keep
        .join("run-sample.test__testBad")
        .join("native.py")
        .is_file());
    assert!(!keep.join("run-sample.test__testGood").exists());

    let mut args = base.to_vec();
    args.extend(["-k", "Good"]);
    let (code, lines) = run_binary(&args);
    assert_eq!(code, 0);
    assert_eq!(
        lines,
        strings(&[
            "PASS run-sample.test::testGood",
            "1 passed, 0 failed, 0 skipped"
        ])
    );

    let ratchet = s.file(
        "ratchet.txt",
        "# comment\nrun-sample.test::testGood\nrun-sample.test::testBad\n",
    );
    let mut args = base.to_vec();
    args.extend(["--ratchet", ratchet.to_str().unwrap()]);
    let (code, lines) = run_binary(&args);
    assert_eq!(code, 1);
    assert!(
        lines
            .iter()
            .any(|l| l == "REGRESSION run-sample.test::testBad (failed)"),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("testSkipped")),
        "only listed cases run"
    );
    assert_eq!(lines.last().unwrap(), "1 passed, 1 failed, 0 skipped");

    let empty = s.file("empty.txt", "# nothing yet\n");
    let mut args = base.to_vec();
    args.extend(["--ratchet", empty.to_str().unwrap()]);
    let (code, lines) = run_binary(&args);
    assert_eq!(code, 0);
    assert!(lines[0].contains("trivially passes"));
    assert_eq!(lines.last().unwrap(), "0 passed, 0 failed, 0 skipped");
}

#[test]
fn session_reports_setup_errors() {
    let s = Scratch::new();
    let noop = s.script("noop", "exit 0");
    let options = SessionOptions {
        paths: vec![s.path("missing.test")],
        filter: None,
        jobs: 1,
        exec: config(&noop),
        ratchet: None,
        write_passing: None,
        verbose: false,
    };
    let err = run_session(&options, &mut |_| {}).unwrap_err();
    assert!(err.contains("missing.test"), "{err}");
}
