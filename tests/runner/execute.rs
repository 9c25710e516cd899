//! Running one case: lay out its files in a fresh directory, compile the
//! compiled modules with the compiler under test, run `driver.py` with
//! Python and compare what it prints with the case's `[out]`.
//!
//! The layout follows upstream so that cases behave the same: the main
//! module is `native.py` and is also copied to `interpreted.py`; every file
//! whose base name starts with `other` and ends in `.py` is compiled too (and
//! copied to `<dotted name>_interpreted.py`), and so is the `__init__.py` of
//! a package whose name starts with `other`; all other files (`driver.py`,
//! `interp.py`, other packages' `__init__.py`, ...) stay interpreted. Cases without
//! a `driver.py` get the default driver, which calls every `test_*`
//! function. A case passes when the output matches and the driver exits 0.
//!
//! A multi-step (incremental) case runs its steps one after the other in
//! the same directory, with the same build directory: before step N the
//! `[file X.N]` sections are written and the `[delete X.N]` paths deleted
//! (files not mentioned keep the previous step's contents), the modules
//! compiled in step N (from the files present then) are recompiled, and the
//! driver's output is compared with `[outN]` (nothing if the case has
//! none). With `--separate`, the modules the compiler reports re-checking
//! are compared with the step's `[rechecked ...]` set. A failure names its
//! step (`step 2: ...`).

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::compare::{describe_difference, normalize_output, split_lines};
use super::python::PythonInfo;
use super::testfile::{FileOperation, TestCase};

/// Everything needed to run cases, shared by all of them.
#[derive(Debug, Clone)]
pub struct ExecConfig {
    /// The compiler binary under test.
    pub mypyc: PathBuf,
    pub python: PythonInfo,
    /// Pass `--python <exe>` to the compiler (when the user chose one).
    pub pass_python: bool,
    pub opt_level: u32,
    /// Time limit for running the driver.
    pub run_timeout: Duration,
    /// Time limit for the compiler.
    pub compile_timeout: Duration,
    /// Require the compiler to leave a `native` extension module behind.
    /// Off only when testing the runner with a stand-in compiler.
    pub require_extension: bool,
    /// The default `driver.py`.
    pub default_driver: PathBuf,
    /// `testutil.py`, copied beside every case.
    pub testutil: PathBuf,
    /// Keep the directories of failing cases here.
    pub keep_failed: Option<PathBuf>,
    /// How modules are divided into C files and shared libraries.
    pub mode: CompileMode,
    /// After a case passes, run this probe on its compiled modules.
    pub probe: Option<Probe>,
}

/// A check run on a case's compiled modules after it passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// Every public callable called with wrong-typed values
    /// (`probe_wrong_types.py`): the case fails if the process crashes.
    WrongTypes,
    /// Every `test_*` function run many times (`probe_refcounts.py`): the
    /// case fails if memory grows with the runs beyond the interpreted
    /// copy's growth.
    Refcounts,
}

impl Probe {
    fn script(self) -> (&'static str, &'static str) {
        match self {
            Probe::WrongTypes => ("probe_wrong_types.py", include_str!("probe_wrong_types.py")),
            Probe::Refcounts => ("probe_refcounts.py", include_str!("probe_refcounts.py")),
        }
    }
}

/// The compilation mode cases run in (the compiler's group flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CompileMode {
    /// One group for all modules, one C file per group (cases whose names
    /// end in `_separate` are still compiled with `--separate`).
    #[default]
    Default,
    /// `--separate`: one group per module, or as a `# separate: [...]`
    /// line of the case says.
    Separate,
    /// `--multi-file`: one C file per module.
    MultiFile,
}

impl CompileMode {
    /// The compiler flags of this mode for `case`, whose compiled modules
    /// are `modules` (paths relative to the case directory).
    pub fn flags(self, case: &TestCase, modules: &[String]) -> Vec<String> {
        self.flags_at_step(case, modules, 1)
    }

    /// The compiler flags of this mode for step `step` of `case` (the
    /// groups of a `# separateN:` line apply to step N).
    pub fn flags_at_step(self, case: &TestCase, modules: &[String], step: u32) -> Vec<String> {
        let mut flags = vec![];
        if self == CompileMode::MultiFile {
            flags.push("--multi-file".to_string());
        }
        if self.is_separate(case) {
            flags.push("--separate".to_string());
            for (name, files) in separate_groups_at_step(&case.main_source, step) {
                let files: Vec<&String> = files.iter().filter(|f| modules.contains(f)).collect();
                if !files.is_empty() {
                    let list: Vec<&str> = files.iter().map(|f| f.as_str()).collect();
                    flags.push("--group".to_string());
                    flags.push(format!("{name}={}", list.join(",")));
                }
            }
        }
        flags
    }

    /// Whether `case` is compiled with `--separate` in this mode. This is
    /// also upstream's incremental mode, the only one in which a case's
    /// `[rechecked ...]` expectations are checked.
    pub fn is_separate(self, case: &TestCase) -> bool {
        self == CompileMode::Separate || case.name.ends_with("_separate")
    }
}

/// The explicit groups of a `# separate: [(["a.py", "b.py"], "name"), ...]`
/// line (upstream's way for a case to choose its groups in separate mode):
/// (group name, files). No such line: no explicit groups.
pub fn separate_groups(source: &str) -> Vec<(String, Vec<String>)> {
    separate_groups_at_step(source, 1)
}

/// The explicit groups of step `step`: those of a `# separateN:` line for
/// N = `step` if there is one, else of the `# separate:` line (as
/// upstream's `get_separate`, which reads the lines from the case's main
/// module as it is in step 1). `# separate2: []` means no explicit groups
/// in step 2 (every module on its own).
pub fn separate_groups_at_step(source: &str, step: u32) -> Vec<(String, Vec<String>)> {
    let find = |marker: &str| {
        source
            .lines()
            .find_map(|l| l.find(marker).map(|i| &l[i + marker.len()..]))
    };
    let Some(spec) = find(&format!("# separate{step}:")).or_else(|| find("# separate:")) else {
        return vec![];
    };
    let mut groups = vec![];
    let mut rest = spec;
    // Each group is `([...files...], "name")`.
    while let Some(open) = rest.find("([") {
        let after = &rest[open + 2..];
        let Some(close) = after.find(']') else { break };
        let files = quoted_strings(&after[..close]);
        let tail = &after[close + 1..];
        let end = tail.find(')').unwrap_or(tail.len());
        let name = quoted_strings(&tail[..end]).into_iter().next();
        if let Some(name) = name {
            groups.push((name, files));
        }
        rest = &tail[end.min(tail.len())..];
    }
    groups
}

/// The contents of the "..." or '...' strings in `text` (no escapes).
fn quoted_strings(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '"' || c == '\'' {
            let s: String = chars.by_ref().take_while(|&x| x != c).collect();
            out.push(s);
        }
    }
    out
}

/// The verdict on one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    Skip,
    /// An `-xfail` case that failed, as expected.
    XFail,
    /// An `-xfail` case that passed.
    XPass,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
            Status::XFail => "XFAIL",
            Status::XPass => "XPASS",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    /// `file::name`.
    pub id: String,
    pub status: Status,
    /// One line: why it failed or was skipped (empty for a plain pass).
    pub reason: String,
    /// Further lines for a failure (difference excerpt, diagnostics).
    pub details: Vec<String>,
}

/// A raw pass/fail before `-xfail` is taken into account.
enum Verdict {
    Pass,
    Fail {
        reason: String,
        details: Vec<String>,
    },
}

/// Decide whether `case` is skipped on this interpreter, and why.
pub fn skip_reason(case: &TestCase, python_version: (u32, u32)) -> Option<String> {
    if case.flags.skip {
        return Some("marked -skip".to_string());
    }
    if case.flags.platform.as_deref() == Some("windows") {
        return Some("Windows-only case".to_string());
    }
    if let Some(min) = case.min_python() {
        if python_version < min {
            return Some(format!(
                "needs Python {}.{}+ (running {}.{})",
                min.0, min.1, python_version.0, python_version.1
            ));
        }
    }
    None
}

/// Run one case to a result. Never panics; every problem is a failure.
pub fn run_case(case: &TestCase, config: &ExecConfig) -> CaseResult {
    let id = case.id();
    if let Some(reason) = skip_reason(case, config.python.version) {
        return CaseResult {
            id,
            status: Status::Skip,
            reason,
            details: Vec::new(),
        };
    }
    let verdict = match &case.format_error {
        Some(err) => Verdict::Fail {
            reason: format!("test format error: {err}"),
            details: Vec::new(),
        },
        None => run_in_temp_dir(case, config),
    };
    into_result(id, case.flags.xfail, verdict)
}

fn into_result(id: String, xfail: bool, verdict: Verdict) -> CaseResult {
    match (verdict, xfail) {
        (Verdict::Pass, false) => CaseResult {
            id,
            status: Status::Pass,
            reason: String::new(),
            details: Vec::new(),
        },
        (Verdict::Pass, true) => CaseResult {
            id,
            status: Status::XPass,
            reason: "marked -xfail but passed".to_string(),
            details: Vec::new(),
        },
        (Verdict::Fail { reason, details }, false) => CaseResult {
            id,
            status: Status::Fail,
            reason,
            details,
        },
        (Verdict::Fail { reason, .. }, true) => CaseResult {
            id,
            status: Status::XFail,
            reason,
            details: Vec::new(),
        },
    }
}

fn run_in_temp_dir(case: &TestCase, config: &ExecConfig) -> Verdict {
    let temp = match tempfile::Builder::new().prefix("mypyc-case-").tempdir() {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot create a temporary directory: {e}")),
    };
    // Python reports the canonical path in tracebacks; use the same one.
    let dir = match temp.path().canonicalize() {
        Ok(d) => d,
        Err(e) => return fail(format!("cannot resolve the temporary directory: {e}")),
    };
    match (compile_and_run(case, config, &dir), &config.keep_failed) {
        (
            Verdict::Fail {
                reason,
                mut details,
            },
            Some(keep),
        ) => {
            let dest = keep.join(format!("{}__{}", case.file_name, case.name));
            details.push(match keep_dir(&dir, &dest) {
                Ok(()) => format!("kept in {}", dest.display()),
                Err(e) => format!("could not keep the case directory: {e}"),
            });
            Verdict::Fail { reason, details }
        }
        (verdict, _) => verdict,
    }
}

fn fail(reason: String) -> Verdict {
    Verdict::Fail {
        reason,
        details: Vec::new(),
    }
}

fn compile_and_run(case: &TestCase, config: &ExecConfig, dir: &Path) -> Verdict {
    let mut files = match write_case_files(case, config, dir) {
        Ok(f) => f,
        Err(e) => return fail(format!("cannot write case files: {e}")),
    };
    let steps = case.step_count();
    let mut compiled = Vec::new();
    for step in 1..=steps {
        if let Err(verdict) = run_step(case, config, dir, step, &mut files, &mut compiled) {
            return if steps > 1 {
                name_step(step, verdict)
            } else {
                verdict
            };
        }
    }
    match config.probe {
        Some(probe) => run_probe(probe, case, dir, config, &compiled),
        None => Verdict::Pass,
    }
}

/// "step N: " before the reason of a failure of a multi-step case.
fn name_step(step: u32, verdict: Verdict) -> Verdict {
    match verdict {
        Verdict::Fail { reason, details } => Verdict::Fail {
            reason: format!("step {step}: {reason}"),
            details,
        },
        Verdict::Pass => Verdict::Pass,
    }
}

/// One step of a case, as upstream's `run_case_step`: bring the files up to
/// date (steps 2, 3, ...: the case's `[file X.N]` and `[delete X.N]`
/// sections), compile the modules compiled in this step in the same
/// directory with the same build directory (so the compiler's cache and
/// outputs of the previous step are there), run the driver in a fresh
/// Python process and compare its output with the step's `[out]`/`[outN]`;
/// in separate (incremental) mode, compare the modules the compiler
/// re-checked with the step's `[rechecked ...]` section.
///
/// `files` are the case's files in the directory (relative paths, without
/// `native.py`), `compiled` the modules compiled by the previous step; both
/// are updated.
///
/// Upstream also pushes the build directory's mtimes back a second and
/// sleeps a second between steps, for setuptools' mtime-based rebuild
/// decisions; the compiler under test decides from content stamps, and
/// the runner moves the mtimes of the files it rewrites on instead (see
/// `write_and_fudge_mtime`), so neither is done here.
fn run_step(
    case: &TestCase,
    config: &ExecConfig,
    dir: &Path,
    step: u32,
    files: &mut Vec<String>,
    compiled: &mut Vec<String>,
) -> Result<(), Verdict> {
    if step >= 2 {
        for op in case.operations(step) {
            apply_operation(dir, &op, files)
                .map_err(|e| fail(format!("cannot update the case files: {e}")))?;
        }
    }
    let now = compiled_modules(files);
    prepare_step(config, dir, compiled, &now)
        .map_err(|e| fail(format!("cannot write case files: {e}")))?;
    *compiled = now;
    let expected_rechecked = match case.expected_rechecked(step) {
        Some(modules) if config.mode.is_separate(case) => Some(modules),
        _ => None,
    };
    // `-v` makes the compiler report the modules it re-checked; it is
    // passed only when they are compared, and its other lines are left
    // out of failure reports.
    let verbose = expected_rechecked.is_some();
    let output = compile(config, case, dir, compiled, step, verbose)?;
    if config.require_extension && !config.python.has_extension(dir, "native") {
        return Err(fail(
            "compiler exited 0 but left no native extension module".to_string(),
        ));
    }
    let driver = run_driver(case, config, dir, step);
    if matches!(driver, Verdict::Fail { .. }) {
        return Err(driver);
    }
    match expected_rechecked {
        Some(expected) => check_rechecked(step, expected, &output, dir),
        None => Ok(()),
    }
}

/// Apply one file operation of a later step to the case directory and to
/// the list of the case's files.
fn apply_operation(dir: &Path, op: &FileOperation, files: &mut Vec<String>) -> std::io::Result<()> {
    match op {
        FileOperation::Write { path, contents } => {
            write_and_fudge_mtime(&dir.join(path), contents)?;
            if path != "native.py" && !files.contains(path) {
                files.push(path.clone());
            }
        }
        FileOperation::Delete { path } => {
            let full = dir.join(path);
            if full.is_dir() {
                fs::remove_dir_all(&full)?;
                let prefix = format!("{}/", path.trim_end_matches('/'));
                files.retain(|f| !f.starts_with(&prefix));
            } else {
                fs::remove_file(&full).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("cannot delete {path}: {e}"))
                })?;
                files.retain(|f| f != path);
            }
        }
    }
    Ok(())
}

/// Write `contents` to `path`; when the file existed, its new mtime is the
/// old one plus a second (upstream's `write_and_fudge_mtime`): with a
/// coarse mtime a same-size change made within the same second would
/// otherwise look unchanged to mtime-based caches (the compiler's, and
/// Python's `.pyc` files of interpreted modules).
fn write_and_fudge_mtime(path: &Path, contents: &str) -> std::io::Result<()> {
    let old = fs::metadata(path).and_then(|m| m.modified()).ok();
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, contents)?;
    if let Some(old) = old {
        let file = fs::File::options().write(true).open(path)?;
        file.set_modified(old + Duration::from_secs(1))?;
    }
    Ok(())
}

/// Native first, then the case's compiled modules in file order.
fn compiled_modules(files: &[String]) -> Vec<String> {
    std::iter::once("native.py".to_string())
        .chain(files.iter().filter(|f| is_compiled_module(f)).cloned())
        .collect()
}

/// Before compiling a step: the extension modules of modules compiled in
/// the previous step but not in this one (deleted modules) are removed, so
/// that a stale extension cannot shadow anything (Python prefers an
/// extension to a `.py`), and so are the interpreted copies of deleted
/// modules; compiled `other*.py` modules get their `<dotted
/// name>_interpreted.py` copies of this step's contents (as upstream makes
/// them at every step; a changed copy's mtime moves on as a changed case
/// file's does, where upstream sleeps a second between steps); the default
/// driver is put in place when the case has no `driver.py`.
fn prepare_step(
    config: &ExecConfig,
    dir: &Path,
    previous: &[String],
    now: &[String],
) -> std::io::Result<()> {
    for module in previous.iter().filter(|m| !now.contains(m)) {
        let base = module.trim_end_matches(".py");
        for suffix in [config.python.ext_suffix.as_str(), ".so", ".abi3.so"] {
            remove_if_present(&dir.join(format!("{base}{suffix}")))?;
        }
        if let Some(copy) = interpreted_copy(module) {
            if !dir.join(module).exists() {
                remove_if_present(&dir.join(copy))?;
            }
        }
    }
    for module in now {
        if let Some(copy) = interpreted_copy(module) {
            let contents = fs::read_to_string(dir.join(module))?;
            let copy = dir.join(copy);
            if fs::read_to_string(&copy).ok().as_ref() != Some(&contents) {
                write_and_fudge_mtime(&copy, &contents)?;
            }
        }
    }
    if !dir.join("driver.py").is_file() {
        fs::copy(&config.default_driver, dir.join("driver.py"))?;
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The interpreted copy of a compiled `other*.py` module, beside it:
/// `pkg/other_a.py` → `pkg/pkg.other_a_interpreted.py` (upstream names it
/// after the dotted module name). `native.py`'s copy is `interpreted.py`,
/// written once with the case's first version of it, as upstream does;
/// packages get no copy.
fn interpreted_copy(module: &str) -> Option<String> {
    let base = module.rsplit('/').next().unwrap_or(module);
    if module == "native.py" || !base.starts_with("other") || !base.ends_with(".py") {
        return None;
    }
    let dotted = module.trim_end_matches(".py").replace('/', ".");
    Some(match module.rsplit_once('/') {
        Some((parent, _)) => format!("{parent}/{dotted}_interpreted.py"),
        None => format!("{dotted}_interpreted.py"),
    })
}

/// Compare the modules the compiler reported re-checking (`mypyc:
/// rechecked <module>` lines under `-v`) with the step's `[rechecked ...]`
/// set. As upstream's `assert_module_equivalence`, `__main__` is ignored;
/// and only the case's own modules count (those with a `.py`/`.pyi` file in
/// the case directory): upstream's type checker has the stub and standard
/// library modules in its cache after step 1, so they are never among the
/// re-checked modules it compares, whatever our compiler does with its own
/// stubs.
fn check_rechecked(
    step: u32,
    expected: &std::collections::BTreeSet<String>,
    compiler_output: &[String],
    dir: &Path,
) -> Result<(), Verdict> {
    let label = if step == 2 {
        "rechecked".to_string()
    } else {
        format!("rechecked{}", step - 1)
    };
    let reported: Vec<&str> = compiler_output
        .iter()
        .filter_map(|l| l.strip_prefix("mypyc: rechecked "))
        .map(str::trim)
        .collect();
    let want: Vec<&str> = expected.iter().map(String::as_str).collect();
    // A compiler that re-checked nothing reports nothing: an empty
    // expectation cannot tell that from a compiler that does not report.
    if reported.is_empty() && !expected.is_empty() {
        return Err(fail(format!(
            "[{label} ...]: compiler did not report rechecked modules (expected {})",
            want.join(", ")
        )));
    }
    let actual: std::collections::BTreeSet<&str> = reported
        .into_iter()
        .filter(|m| *m != "__main__" && is_case_module(dir, m))
        .collect();
    let got: Vec<&str> = actual.into_iter().collect();
    if got == want {
        return Ok(());
    }
    let missing: Vec<&str> = want.iter().filter(|m| !got.contains(m)).copied().collect();
    let extra: Vec<&str> = got.iter().filter(|m| !want.contains(m)).copied().collect();
    let mut details = vec![];
    if !missing.is_empty() {
        details.push(format!("not rechecked: {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        details.push(format!("rechecked unexpectedly: {}", extra.join(", ")));
    }
    Err(Verdict::Fail {
        reason: format!(
            "[{label} ...]: compiler rechecked ({}), expected ({})",
            got.join(", "),
            want.join(", ")
        ),
        details,
    })
}

/// True if the dotted `module` has its source in the case directory.
fn is_case_module(dir: &Path, module: &str) -> bool {
    let base = module.replace('.', "/");
    [
        format!("{base}.py"),
        format!("{base}.pyi"),
        format!("{base}/__init__.py"),
        format!("{base}/__init__.pyi"),
    ]
    .iter()
    .any(|p| dir.join(p).is_file())
}

/// How long the wrong-types probe of one case may run.
const PROBE_TIMEOUT: Duration = Duration::from_secs(20);

/// Runs `probe` on the case's compiled modules (see `Probe`).
fn run_probe(
    probe: Probe,
    case: &TestCase,
    dir: &Path,
    config: &ExecConfig,
    compiled: &[String],
) -> Verdict {
    let (script, text) = probe.script();
    if let Err(e) = fs::write(dir.join(script), text) {
        return fail(format!("cannot write the probe: {e}"));
    }
    let modules = compiled.iter().map(|p| {
        p.trim_end_matches(".py")
            .trim_end_matches("/__init__")
            .replace('/', ".")
    });
    let mut cmd = Command::new(&config.python.exe);
    cmd.current_dir(dir)
        .arg(script)
        .arg(case.id())
        .args(modules);
    let run = match run_with_timeout(&mut cmd, PROBE_TIMEOUT) {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot run {}: {e}", config.python.exe)),
    };
    let output = normalize_output(&run.output, &dir.to_string_lossy());
    match run.status {
        // A call that never polls for signals (see the script): not a crash.
        None => {
            if let Some(stats) = std::env::var_os("MYPYC_PROBE_STATS") {
                let last = output.last().map_or("", String::as_str);
                let line = format!("{} incomplete ({last})\n", case.id());
                let _ = fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(stats)
                    .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()));
            }
            Verdict::Pass
        }
        Some(status) => match signal_of(status) {
            Some(sig) => Verdict::Fail {
                reason: format!("{script} crashed ({})", describe_signal(sig)),
                details: tail(&output, 5),
            },
            None => {
                let leaks: Vec<String> = output
                    .iter()
                    .filter(|l| l.starts_with("LEAK "))
                    .cloned()
                    .collect();
                if !leaks.is_empty() {
                    Verdict::Fail {
                        reason: format!("{script}: {} leaking", leaks.len()),
                        details: leaks,
                    }
                } else if output.iter().any(|l| l.starts_with("PROBE-OK")) {
                    Verdict::Pass
                } else {
                    Verdict::Fail {
                        reason: format!("{script} ended early"),
                        details: tail(&output, 5),
                    }
                }
            }
        },
    }
}

/// Write the files of the case's first step; return the paths of the
/// case's own files (relative to `dir`, in file order; `native.py` and the
/// runner's additions not included).
fn write_case_files(
    case: &TestCase,
    config: &ExecConfig,
    dir: &Path,
) -> std::io::Result<Vec<String>> {
    fs::create_dir_all(dir.join("build"))?;
    fs::write(dir.join("native.py"), &case.main_source)?;
    fs::write(dir.join("interpreted.py"), &case.main_source)?;
    fs::copy(&config.testutil, dir.join("testutil.py"))?;
    let mut files = vec![];
    for file in &case.files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        files.push(file.path.clone());
    }
    Ok(files)
}

/// Modules named `other*.py`, and packages named `other*` (their
/// `__init__.py`), are compiled together with `native`.
pub fn is_compiled_module(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let base = parts.next().unwrap_or(path);
    if base == "__init__.py" {
        return parts.next().is_some_and(|pkg| pkg.starts_with("other"));
    }
    base.starts_with("other") && base.ends_with(".py")
}

/// Run the compiler for step `step`; its output lines when it succeeded.
/// With `verbose`, the compiler gets `-v`, and the lines only `-v` prints
/// are left out of a failure's reason and details.
fn compile(
    config: &ExecConfig,
    case: &TestCase,
    dir: &Path,
    modules: &[String],
    step: u32,
    verbose: bool,
) -> Result<Vec<String>, Verdict> {
    let mut cmd = Command::new(&config.mypyc);
    cmd.current_dir(dir)
        .arg("--build-dir")
        .arg(dir.join("build"))
        .arg("-O")
        .arg(config.opt_level.to_string());
    if config.pass_python {
        cmd.arg("--python").arg(&config.python.exe);
    }
    if verbose {
        cmd.arg("-v");
    }
    cmd.args(config.mode.flags_at_step(case, modules, step));
    cmd.args(modules);
    let run = match run_with_timeout(&mut cmd, config.compile_timeout) {
        Ok(r) => r,
        Err(e) => {
            return Err(fail(format!(
                "cannot run compiler {}: {e}",
                config.mypyc.display()
            )))
        }
    };
    let mut lines = split_lines(&run.output);
    if run.status.is_some_and(|s| s.success()) {
        return Ok(lines);
    }
    if verbose {
        lines.retain(|l| !is_verbose_line(l));
    }
    let reason = match run.status {
        None => format!(
            "compiler timed out after {} s",
            config.compile_timeout.as_secs()
        ),
        Some(status) => match signal_of(status) {
            Some(sig) => format!("compiler crashed ({})", describe_signal(sig)),
            None => first_diagnostic(&lines),
        },
    };
    Err(Verdict::Fail {
        reason,
        details: head(&lines, 10),
    })
}

/// A line the compiler prints only under `-v`: `mypyc: ...` reports and
/// the notes on classes that are not native.
fn is_verbose_line(line: &str) -> bool {
    line.starts_with("mypyc: ")
        || (line.contains(": note: class \"") && line.contains("\" is not a native class"))
}

/// "compile error: <first error line>".
fn first_diagnostic(lines: &[String]) -> String {
    let first = lines
        .iter()
        .find(|l| l.contains("error:"))
        .or_else(|| lines.iter().find(|l| !l.trim().is_empty()));
    match first {
        Some(l) => format!("compile error: {}", l.trim()),
        None => "compile error (compiler printed nothing)".to_string(),
    }
}

fn head(lines: &[String], n: usize) -> Vec<String> {
    let mut out: Vec<String> = lines.iter().take(n).cloned().collect();
    if lines.len() > n {
        out.push(format!("... ({} more lines)", lines.len() - n));
    }
    out
}

fn run_driver(case: &TestCase, config: &ExecConfig, dir: &Path, step: u32) -> Verdict {
    let mut cmd = Command::new(&config.python.exe);
    cmd.current_dir(dir)
        .arg("driver.py")
        .env("MYPYC_RUN_BENCH", "0")
        // The expected outputs were made with stdout block-buffered (a
        // pipe), so a driver's prints come after its tracebacks: an
        // inherited PYTHONUNBUFFERED would interleave them.
        .env_remove("PYTHONUNBUFFERED");
    let run = match run_with_timeout(&mut cmd, config.run_timeout) {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot run {}: {e}", config.python.exe)),
    };
    let actual = normalize_output(&run.output, &dir.to_string_lossy());
    let expected = case.expected_output_of_step(step, config.python.version);
    let difference = describe_difference(&expected, &actual);
    let status = match run.status {
        None => {
            return Verdict::Fail {
                reason: format!("driver timed out after {} s", config.run_timeout.as_secs()),
                details: tail(&actual, 10),
            }
        }
        Some(s) => s,
    };
    if let Some(sig) = signal_of(status) {
        return Verdict::Fail {
            reason: format!("driver crashed ({})", describe_signal(sig)),
            details: tail(&actual, 10),
        };
    }
    match (difference, status.code()) {
        (None, Some(0)) => Verdict::Pass,
        (None, code) => Verdict::Fail {
            reason: format!(
                "output matches but the driver exited with status {}",
                code.unwrap_or(-1)
            ),
            details: tail(&actual, 10),
        },
        (Some(mut lines), code) => {
            let headline = lines.remove(0);
            let reason = match code {
                Some(0) => headline,
                other => format!("{headline} (exit status {})", other.unwrap_or(-1)),
            };
            Verdict::Fail {
                reason,
                details: lines,
            }
        }
    }
}

fn tail(lines: &[String], n: usize) -> Vec<String> {
    lines[lines.len().saturating_sub(n)..].to_vec()
}

/// Result of a child process: exit status (None on timeout) and its
/// stdout and stderr interleaved as written.
struct ProcessRun {
    status: Option<ExitStatus>,
    output: String,
}

/// Run `cmd` with stdout and stderr sent to one file (so the interleaving
/// is the one the process produced, as with a shared pipe), killing it
/// after `timeout`.
fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> std::io::Result<ProcessRun> {
    let mut sink = tempfile::tempfile()?;
    cmd.stdin(Stdio::null())
        .stdout(sink.try_clone()?)
        .stderr(sink.try_clone()?);
    let mut child = cmd.spawn()?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if start.elapsed() >= timeout {
            // The child may exit between the check and the kill; both fine.
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    sink.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    sink.read_to_end(&mut bytes)?;
    Ok(ProcessRun {
        status,
        output: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

#[cfg(unix)]
fn signal_of(status: ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn signal_of(_status: ExitStatus) -> Option<i32> {
    None
}

fn describe_signal(sig: i32) -> String {
    let name = match sig {
        4 => "SIGILL",
        6 => "SIGABRT, likely an assertion failure",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV, likely a segmentation fault",
        _ => "signal",
    };
    format!("signal {sig}: {name}")
}

/// Copy a case directory (recursively) to `dest`, replacing what was there.
fn keep_dir(src: &Path, dest: &Path) -> std::io::Result<()> {
    if dest.exists() {
        fs::remove_dir_all(dest)?;
    }
    copy_tree(src, dest)
}

fn copy_tree(src: &Path, dest: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dest)?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let target = dest.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
