//! A test session: find the cases, run them in parallel, report one line
//! per case in a fixed order, and finish with `N passed, N failed, N
//! skipped`.
//!
//! Cases run on a pool of worker threads pulling from a shared index;
//! results are reported strictly in case order (files sorted by name, cases
//! in file order), each as soon as it and everything before it is done, so
//! the report is identical from run to run whatever the scheduling.
//!
//! Ratchet mode runs only the cases a ratchet file lists and fails when any
//! of them does not pass (or no longer exists): the list only ever grows.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::execute::{run_case, CaseResult, ExecConfig, Status};
use super::testfile::{parse_file, TestCase};

/// What to run and how.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// `.test` files, or directories whose `run-*.test` files are used.
    pub paths: Vec<PathBuf>,
    /// Only cases whose id contains this.
    pub filter: Option<String>,
    pub jobs: usize,
    pub exec: ExecConfig,
    /// Only check the cases listed in this file; all must pass.
    pub ratchet: Option<PathBuf>,
    /// Write the sorted ids of passing cases here.
    pub write_passing: Option<PathBuf>,
    /// Print every detail line of failures, and of skips.
    pub verbose: bool,
}

/// The counts printed on the last line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

impl Summary {
    /// XPASS counts as passed, XFAIL as skipped (an expected failure is not
    /// evidence either way).
    pub fn of(results: &[CaseResult]) -> Summary {
        let mut s = Summary::default();
        for r in results {
            match r.status {
                Status::Pass | Status::XPass => s.passed += 1,
                Status::Fail => s.failed += 1,
                Status::Skip | Status::XFail => s.skipped += 1,
            }
        }
        s
    }
}

/// The end of a session.
#[derive(Debug, Clone)]
pub struct SessionOutcome {
    pub results: Vec<CaseResult>,
    pub summary: Summary,
    /// Ratchet mode: listed ids that did not pass, with why.
    pub regressions: Vec<String>,
    pub exit_code: i32,
}

/// Every `.test` file named by `paths`, sorted by file name then path.
pub fn find_test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
            for entry in entries {
                let p = entry
                    .map_err(|e| format!("{}: {e}", path.display()))?
                    .path();
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                if name.is_some_and(|n| n.starts_with("run-") && n.ends_with(".test")) {
                    files.push(p);
                }
            }
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("{}: no such file or directory", path.display()));
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()).then(a.cmp(b)));
    files.dedup();
    Ok(files)
}

/// Parse the files and select cases: by `filter` (substring of the id) and,
/// when given, by membership in `only`.
pub fn collect_cases(
    files: &[PathBuf],
    filter: Option<&str>,
    only: Option<&BTreeSet<String>>,
) -> Result<Vec<TestCase>, String> {
    let mut cases = Vec::new();
    for file in files {
        let parsed = parse_file(file)?;
        cases.extend(parsed.cases.into_iter().filter(|c| {
            let id = c.id();
            filter.is_none_or(|f| id.contains(f)) && only.is_none_or(|set| set.contains(&id))
        }));
    }
    Ok(cases)
}

/// Run `cases` on `jobs` threads; `report` sees each result in case order.
pub fn run_cases(
    cases: &[TestCase],
    config: &ExecConfig,
    jobs: usize,
    mut report: impl FnMut(&CaseResult),
) -> Vec<CaseResult> {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, CaseResult)>();
    let mut pending: Vec<Option<CaseResult>> = vec![None; cases.len()];
    let mut reported = 0;
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1).min(cases.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                if tx.send((i, run_case(case, config))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (i, result) in rx {
            pending[i] = Some(result);
            while let Some(Some(r)) = pending.get(reported) {
                report(r);
                reported += 1;
            }
        }
    });
    pending.into_iter().flatten().collect()
}

/// The report lines for one result: `STATUS id[: reason]`, then indented
/// details for failures (all of them with `verbose`, else the first 12).
pub fn format_result(result: &CaseResult, verbose: bool) -> Vec<String> {
    let mut lines = vec![if result.reason.is_empty() {
        format!("{} {}", result.status.label(), result.id)
    } else {
        format!("{} {}: {}", result.status.label(), result.id, result.reason)
    }];
    let limit = if verbose { usize::MAX } else { 12 };
    if result.status == Status::Fail {
        lines.extend(
            result
                .details
                .iter()
                .take(limit)
                .map(|d| format!("    {d}")),
        );
    }
    lines
}

/// Read a list of case ids: one per line; blank lines and `#` comments
/// are ignored.
pub fn read_id_list(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// Listed ids that did not pass: `id (failed)`, `id (skipped: ...)`,
/// `id (not found)`.
pub fn ratchet_regressions(listed: &[String], results: &[CaseResult]) -> Vec<String> {
    listed
        .iter()
        .filter_map(|id| match results.iter().find(|r| &r.id == id) {
            None => Some(format!("{id} (not found)")),
            Some(r) => match r.status {
                Status::Pass | Status::XPass => None,
                Status::Fail => Some(format!("{id} (failed)")),
                Status::Skip | Status::XFail => Some(format!("{id} ({})", r.reason)),
            },
        })
        .collect()
}

/// The sorted ids of passing cases.
pub fn passing_ids(results: &[CaseResult]) -> Vec<String> {
    let ids: BTreeSet<String> = results
        .iter()
        .filter(|r| matches!(r.status, Status::Pass | Status::XPass))
        .map(|r| r.id.clone())
        .collect();
    ids.into_iter().collect()
}

/// Run a whole session, sending every output line to `out`. Errors are
/// setup problems (unreadable files, bad ratchet file), not case failures.
pub fn run_session(
    options: &SessionOptions,
    out: &mut dyn FnMut(&str),
) -> Result<SessionOutcome, String> {
    let files = find_test_files(&options.paths)?;
    let filter = options.filter.as_deref();
    let listed = match &options.ratchet {
        Some(path) => Some(
            read_id_list(path)?
                .into_iter()
                .filter(|id| filter.is_none_or(|f| id.contains(f)))
                .collect::<Vec<_>>(),
        ),
        None => None,
    };
    let only: Option<BTreeSet<String>> = listed.as_ref().map(|l| l.iter().cloned().collect());
    let cases = collect_cases(&files, filter, only.as_ref())?;
    if let (Some(list), Some(path)) = (&listed, &options.ratchet) {
        if list.is_empty() {
            out(&format!(
                "ratchet {}: no cases listed; trivially passes",
                path.display()
            ));
        }
    }
    let results = run_cases(&cases, &options.exec, options.jobs, |r| {
        for line in format_result(r, options.verbose) {
            out(&line);
        }
    });
    if let Some(path) = &options.write_passing {
        let mut text = passing_ids(&results).join("\n");
        text.push('\n');
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let summary = Summary::of(&results);
    let regressions = match &listed {
        Some(list) => ratchet_regressions(list, &results),
        None => Vec::new(),
    };
    for r in &regressions {
        out(&format!("REGRESSION {r}"));
    }
    out(&summary.to_string());
    let failed = if listed.is_some() {
        !regressions.is_empty()
    } else {
        summary.failed > 0
    };
    Ok(SessionOutcome {
        results,
        summary,
        regressions,
        exit_code: i32::from(failed),
    })
}
