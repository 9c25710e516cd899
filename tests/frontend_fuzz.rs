//! A mutation fuzzer of the front end: programs of `test-data/run-*.test`
//! and of the conformance corpus (when present), cut short, with lines
//! deleted, duplicated, swapped or re-indented, with stray tokens and bytes
//! inserted, are given to the real binary. Whatever the input, it must end
//! with exit status 0 or 1 (never a panic or a signal), within a time
//! limit, and a failure must say where: a `file:line:col: error:` line
//! (`file:line: error:` for one about a whole line).
//!
//! Most mutants are only checked (`--check-only`); every
//! `COMPILE_EVERY`-th one that checks cleanly is compiled in full.
//! `MYPYC_FUZZ_ITERATIONS` (default 160, the CI smoke) and
//! `MYPYC_FUZZ_SEED` choose the run; a failing mutant is written to
//! `target/frontend-fuzz/` and its path printed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(60);
const COMPILE_EVERY: usize = 16;

/// Stray input: tokens that open or close constructs, keywords out of
/// place, quotes, continuation and odd characters.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "=",
    "*",
    "**",
    "->",
    "@",
    ".",
    "...",
    "def ",
    "class ",
    "lambda ",
    "yield ",
    "return ",
    "await ",
    "async ",
    "global x",
    "nonlocal x",
    "import ",
    "from . import x",
    "if ",
    "else:",
    "try:",
    "except ",
    "with ",
    "\"\"\"",
    "'",
    "f\"{",
    "\\",
    "\t",
    "  ",
    "\n",
    "\r",
    "# type: ignore",
    "x: int",
    "-> None",
    "None",
    "0x",
    "1e",
    "é",
    "\u{200b}",
    "\u{0}",
    "match x:",
    "case _:",
    "*args",
    "**kw",
    "del x",
    "is not",
];

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// The main module of every case of a `.test` file.
fn case_programs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('[') && line.ends_with(']') {
            out.extend(current.take());
            if line.starts_with("[case ") {
                current = Some(String::new());
            }
        } else if let Some(c) = current.as_mut() {
            c.push_str(line);
            c.push('\n');
        }
    }
    out.extend(current);
    out.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.starts_with("run-") && name.ends_with(".test")
    });
    files.sort();
    files
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("test-data")];
    let conformance = std::env::var_os("MYPYC_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/conformance"));
    dirs.push(conformance);
    let mut programs = Vec::new();
    for dir in dirs {
        for file in test_files(&dir) {
            if let Ok(text) = std::fs::read_to_string(&file) {
                programs.extend(case_programs(&text));
            }
        }
    }
    programs
}

fn char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// One to three mutations of `program`.
fn mutate(program: &str, rng: &mut Rng) -> Vec<u8> {
    let mut text = program.to_string();
    for _ in 0..1 + rng.below(3) {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match rng.below(7) {
            0 => {
                let cut = char_boundary(&text, rng.below(text.len() + 1));
                text.truncate(cut);
                continue;
            }
            1 => {
                lines.remove(rng.below(n));
            }
            2 => {
                let i = rng.below(n);
                let copy = lines[i].clone();
                lines.insert(rng.below(n + 1), copy);
            }
            3 => lines.swap(rng.below(n), rng.below(n)),
            4 => {
                let i = rng.below(n);
                lines[i] = match rng.below(3) {
                    0 => format!("    {}", lines[i]),
                    1 => lines[i].trim_start().to_string(),
                    _ => format!("\t{}", lines[i]),
                };
            }
            _ => {
                let at = char_boundary(&text, rng.below(text.len() + 1));
                text.insert_str(at, TOKENS[rng.below(TOKENS.len())]);
                continue;
            }
        }
        text = lines.join("\n");
        text.push('\n');
    }
    let mut bytes = text.into_bytes();
    if rng.below(40) == 0 {
        // Not UTF-8.
        let at = rng.below(bytes.len() + 1);
        bytes.insert(at, 0xff);
    }
    bytes
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
    timed_out: bool,
}

fn run(cmd: &mut Command) -> Outcome {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mypyc binary runs");
    let mut stderr_pipe = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().expect("wait for mypyc") {
            break (Some(status), false);
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
    Outcome {
        code: status.and_then(|s| s.code()),
        stderr,
        timed_out,
    }
}

/// Is `line` an error with a position: `file:line:col: error: ...`, or
/// `file:line: error: ...` for one about a whole line (as mypy words
/// errors in inline configuration comments)?
fn positioned_error(line: &str) -> bool {
    let num = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = line.splitn(4, ':').collect();
    match parts.as_slice() {
        [_, l, c, rest] if num(l) && num(c) => rest.starts_with(" error:"),
        [_, l, rest, ..] if num(l) => rest.starts_with(" error"),
        _ => false,
    }
}

/// `None` when the outcome is acceptable, else what is wrong.
fn judge(o: &Outcome) -> Option<String> {
    if o.timed_out {
        return Some(format!("no result within {LIMIT:?}"));
    }
    if o.stderr.contains("panicked") {
        return Some(format!("panic:\n{}", o.stderr));
    }
    match o.code {
        Some(0) => None,
        Some(1) => {
            let positioned = o.stderr.lines().any(positioned_error);
            (!positioned).then(|| format!("exit 1 without a positioned error:\n{}", o.stderr))
        }
        other => Some(format!("exit status {other:?}:\n{}", o.stderr)),
    }
}

#[test]
fn mutated_programs_get_diagnostics_never_crashes() {
    let mypyc = Path::new(env!("CARGO_BIN_EXE_mypyc"));
    let iterations: usize = std::env::var("MYPYC_FUZZ_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(160);
    let seed: u64 = std::env::var("MYPYC_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_f00d);
    let programs = corpus();
    assert!(programs.len() > 50, "too few programs to mutate");
    let saved = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/frontend-fuzz");
    let failures = std::sync::Mutex::new(Vec::new());
    let workers = 2;
    std::thread::scope(|scope| {
        for w in 0..workers {
            let (programs, failures, saved) = (&programs, &failures, &saved);
            scope.spawn(move || {
                let mut rng = Rng(seed ^ (w as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                let dir = tempfile::tempdir().expect("temp dir");
                let mut clean = 0;
                for i in (w..iterations).step_by(workers) {
                    let program = &programs[rng.below(programs.len())];
                    let mutant = mutate(program, &mut rng);
                    let src = dir.path().join("native.py");
                    std::fs::write(&src, &mutant).expect("write mutant");
                    let build = dir.path().join("build");
                    let check = run(Command::new(mypyc)
                        .current_dir(dir.path())
                        .arg("--check-only")
                        .arg("native.py"));
                    let mut verdict = judge(&check).map(|w| format!("--check-only: {w}"));
                    if verdict.is_none() && check.code == Some(0) {
                        clean += 1;
                        if clean % COMPILE_EVERY == 0 {
                            let full = run(Command::new(mypyc)
                                .current_dir(dir.path())
                                .args(["-O", "0", "--build-dir"])
                                .arg(&build)
                                .arg("native.py"));
                            verdict = judge(&full).map(|w| format!("compile: {w}"));
                        }
                    }
                    if let Some(what) = verdict {
                        let _ = std::fs::create_dir_all(saved);
                        let path = saved.join(format!("mutant-{seed}-{i}.py"));
                        let _ = std::fs::write(&path, &mutant);
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{}: {what}", path.display()));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {iterations} mutants failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
