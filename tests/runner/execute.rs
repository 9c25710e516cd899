//! Running one case: lay out its files in a fresh directory, compile the
//! compiled modules with the compiler under test, run `driver.py` with
//! Python and compare what it prints with the case's `[out]`.
//!
//! The layout follows upstream so that cases behave the same: the main
//! module is `native.py` and is also copied to `interpreted.py`; every file
//! whose base name starts with `other` and ends in `.py` is compiled too (and
//! copied to `<dotted name>_interpreted.py`); all other files (`driver.py`,
//! `interp.py`, packages' `__init__.py`, ...) stay interpreted. Cases without
//! a `driver.py` get the default driver, which calls every `test_*`
//! function. A case passes when the output matches and the driver exits 0.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::compare::{describe_difference, normalize_output, split_lines};
use super::python::PythonInfo;
use super::testfile::TestCase;

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
        let separate = self == CompileMode::Separate || case.name.ends_with("_separate");
        let mut flags = vec![];
        if self == CompileMode::MultiFile {
            flags.push("--multi-file".to_string());
        }
        if separate {
            flags.push("--separate".to_string());
            for (name, files) in separate_groups(&case.main_source) {
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
}

/// The explicit groups of a `# separate: [(["a.py", "b.py"], "name"), ...]`
/// line (upstream's way for a case to choose its groups in separate mode):
/// (group name, files). No such line: no explicit groups.
pub fn separate_groups(source: &str) -> Vec<(String, Vec<String>)> {
    let Some(spec) = source
        .lines()
        .find_map(|l| l.trim().strip_prefix("# separate:"))
    else {
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
    if case.multi_step {
        return Some("multi-step (incremental) case: not supported yet".to_string());
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
    let compiled = match write_case_files(case, config, dir) {
        Ok(c) => c,
        Err(e) => return fail(format!("cannot write case files: {e}")),
    };
    if let Some(verdict) = compile(config, case, dir, &compiled) {
        return verdict;
    }
    if config.require_extension && !config.python.has_extension(dir, "native") {
        return fail("compiler exited 0 but left no native extension module".to_string());
    }
    match run_driver(case, config, dir) {
        Verdict::Pass => match config.probe {
            Some(probe) => run_probe(probe, case, dir, config, &compiled),
            None => Verdict::Pass,
        },
        verdict => verdict,
    }
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

/// Write the case's files; return the paths of the modules to compile
/// (relative to `dir`, `native.py` first).
fn write_case_files(
    case: &TestCase,
    config: &ExecConfig,
    dir: &Path,
) -> std::io::Result<Vec<String>> {
    fs::create_dir_all(dir.join("build"))?;
    fs::write(dir.join("native.py"), &case.main_source)?;
    fs::write(dir.join("interpreted.py"), &case.main_source)?;
    fs::copy(&config.testutil, dir.join("testutil.py"))?;
    let mut compiled = vec!["native.py".to_string()];
    for file in &case.files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        if is_compiled_module(&file.path) {
            compiled.push(file.path.clone());
            let dotted = file.path.trim_end_matches(".py").replace('/', ".");
            let copy = path.with_file_name(format!("{dotted}_interpreted.py"));
            fs::write(copy, &file.contents)?;
        }
    }
    if !case.files.iter().any(|f| f.path == "driver.py") {
        fs::copy(&config.default_driver, dir.join("driver.py"))?;
    }
    Ok(compiled)
}

/// Modules named `other*.py` are compiled together with `native`.
pub fn is_compiled_module(path: &str) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.starts_with("other") && base.ends_with(".py")
}

/// Run the compiler; None when it succeeded.
fn compile(
    config: &ExecConfig,
    case: &TestCase,
    dir: &Path,
    modules: &[String],
) -> Option<Verdict> {
    let mut cmd = Command::new(&config.mypyc);
    cmd.current_dir(dir)
        .arg("--build-dir")
        .arg(dir.join("build"))
        .arg("-O")
        .arg(config.opt_level.to_string());
    if config.pass_python {
        cmd.arg("--python").arg(&config.python.exe);
    }
    cmd.args(config.mode.flags(case, modules));
    cmd.args(modules);
    let run = match run_with_timeout(&mut cmd, config.compile_timeout) {
        Ok(r) => r,
        Err(e) => {
            return Some(fail(format!(
                "cannot run compiler {}: {e}",
                config.mypyc.display()
            )))
        }
    };
    let lines = split_lines(&run.output);
    let reason = match run.status {
        None => format!(
            "compiler timed out after {} s",
            config.compile_timeout.as_secs()
        ),
        Some(status) if status.success() => return None,
        Some(status) => match signal_of(status) {
            Some(sig) => format!("compiler crashed ({})", describe_signal(sig)),
            None => first_diagnostic(&lines),
        },
    };
    Some(Verdict::Fail {
        reason,
        details: head(&lines, 10),
    })
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

fn run_driver(case: &TestCase, config: &ExecConfig, dir: &Path) -> Verdict {
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
    let expected = case.expected_output(config.python.version);
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
