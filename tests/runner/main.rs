//! `run-tests`: run `run-*.test` cases through the compiler and Python.
//!
//! ```text
//! run-tests [PATHS...] [-k SUBSTR] [-j N] [--mypyc BIN] [-O N]
//!           [--keep-failed DIR] [--ratchet FILE] [--write-passing FILE] [-v]
//!           [--separate | --multi-file] [--wrong-types | --refcheck]
//! ```
//!
//! Prints one line per case and ends with `N passed, N failed, N skipped`;
//! exits 1 when a case failed (or, with `--ratchet`, a listed case did not
//! pass), 2 on a setup error.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

#[path = "mod.rs"]
mod runner;

use runner::execute::{CompileMode, ExecConfig, Probe};
use runner::python::PythonInfo;
use runner::session::{run_session, SessionOptions};

#[derive(Parser, Debug)]
#[command(
    name = "run-tests",
    about = "Run mypyc run-*.test cases: compile with mypyc, run with Python, compare output"
)]
struct Cli {
    /// .test files or directories of run-*.test files [default: test-data]
    paths: Vec<PathBuf>,
    /// Only run cases whose id (file::name) contains SUBSTR
    #[arg(short = 'k', value_name = "SUBSTR")]
    filter: Option<String>,
    /// Parallel jobs [default: available cores]
    #[arg(short = 'j', long = "jobs")]
    jobs: Option<usize>,
    /// Compiler binary [default: the mypyc next to this executable]
    #[arg(long)]
    mypyc: Option<PathBuf>,
    /// Optimization level passed to the compiler
    #[arg(short = 'O', long = "opt-level", default_value_t = 0)]
    opt_level: u32,
    /// Python interpreter to run cases with (also passed to the compiler)
    #[arg(long)]
    python: Option<String>,
    /// Directory holding driver/driver.py and fixtures/testutil.py
    /// [default: ../shared/conformance beside the repository]
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Seconds a driver may run before it is killed
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Do not require the compiler to produce the native extension (for
    /// checking the runner and the cases with a stand-in compiler)
    #[arg(long)]
    interpreted: bool,
    /// Keep the directories of failing cases under DIR
    #[arg(long, value_name = "DIR")]
    keep_failed: Option<PathBuf>,
    /// Only check the cases listed in FILE: every one must pass
    #[arg(long, value_name = "FILE")]
    ratchet: Option<PathBuf>,
    /// Write the sorted ids of passing cases to FILE
    #[arg(long, value_name = "FILE")]
    write_passing: Option<PathBuf>,
    /// Show all detail lines of failures
    #[arg(short = 'v', long)]
    verbose: bool,
    /// Compile each module into its own group (`mypyc --separate`), or as
    /// a case's `# separate: [...]` line says
    #[arg(long, conflicts_with = "multi_file")]
    separate: bool,
    /// Compile one C file per module (`mypyc --multi-file`)
    #[arg(long)]
    multi_file: bool,
    /// After a case passes, call every public callable of its compiled
    /// modules with wrong-typed values: a crash fails the case
    /// (MYPYC_PROBE_STATS=FILE collects the numbers of callables and calls)
    #[arg(long, conflicts_with = "refcheck")]
    wrong_types: bool,
    /// After a case passes, run each of its test_* functions many times:
    /// the case fails if memory grows with the runs (beyond the growth of
    /// the interpreted copy)
    #[arg(long)]
    refcheck: bool,
}

fn main() {
    let cli = Cli::parse();
    let code = match build_options(&cli).and_then(|options| {
        run_session(&options, &mut |line| println!("{line}")).map(|o| o.exit_code)
    }) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("run-tests: {message}");
            2
        }
    };
    std::process::exit(code);
}

fn build_options(cli: &Cli) -> Result<SessionOptions, String> {
    let python = PythonInfo::probe(cli.python.as_deref().unwrap_or("python3"))?;
    let corpus = cli
        .fixtures
        .clone()
        .unwrap_or_else(runner::default_corpus_dir);
    let (default_driver, testutil) = runner::fixture_paths(&corpus);
    runner::check_fixtures(&default_driver, &testutil)?;
    let mypyc = match &cli.mypyc {
        Some(path) => path.clone(),
        None => sibling_compiler()?,
    };
    let paths = if cli.paths.is_empty() {
        vec![runner::repo_root().join("test-data")]
    } else {
        cli.paths.clone()
    };
    let jobs = cli
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    Ok(SessionOptions {
        paths,
        filter: cli.filter.clone(),
        jobs,
        exec: ExecConfig {
            mypyc,
            python,
            pass_python: cli.python.is_some(),
            opt_level: cli.opt_level,
            run_timeout: Duration::from_secs(cli.timeout),
            compile_timeout: Duration::from_secs(600),
            require_extension: !cli.interpreted,
            default_driver,
            testutil,
            keep_failed: cli.keep_failed.clone(),
            mode: if cli.separate {
                CompileMode::Separate
            } else if cli.multi_file {
                CompileMode::MultiFile
            } else {
                CompileMode::Default
            },
            probe: if cli.wrong_types {
                Some(Probe::WrongTypes)
            } else if cli.refcheck {
                Some(Probe::Refcounts)
            } else {
                None
            },
        },
        ratchet: cli.ratchet.clone(),
        write_passing: cli.write_passing.clone(),
        verbose: cli.verbose,
    })
}

/// `mypyc` in the directory of this executable.
fn sibling_compiler() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate run-tests: {e}"))?;
    Ok(exe.with_file_name(format!("mypyc{}", std::env::consts::EXE_SUFFIX)))
}
