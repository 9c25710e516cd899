//! Parser for mypyc's data-driven `.test` format.
//!
//! A file is a sequence of `[case NAME]` blocks. Inside a case, a line that
//! starts with `[` and ends with `]` opens a section (`[file PATH]`,
//! `[out]`, `[out2]`, `[out version>=3.13]`, ...); the text before the first
//! section is the main module, compiled as `native`. The rules follow the
//! format's reference implementation so that expected outputs compare the
//! same way they do upstream:
//!
//! - lines starting with `--` are comments of the format and are dropped;
//!   `----` keeps a literal line starting with `--`, and `\[` escapes a line
//!   that would otherwise open a section;
//! - a trailing backslash joins a line with the next one;
//! - every section loses trailing whitespace on each line and trailing
//!   blank lines;
//! - `[file X.N]`, `[delete X.N]` and `[outN]` (N >= 2) describe later steps
//!   of an incremental (multi-step) case; `[rechecked ...]`/`[stale ...]`
//!   (for step 2), `[recheckedN ...]`/`[staleN ...]` (for step N+1) name the
//!   modules the compiler is expected to re-check in that step.
//!
//! Parsing never panics: malformed input becomes a `FormatError` attached to
//! the file (bad case headers) or to the case (bad sections), so the runner
//! can report it as a failure of that case.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// A Python version as `(major, minor)`.
pub type PyVersion = (u32, u32);

/// All cases of one `.test` file.
#[derive(Debug, Clone)]
pub struct TestFile {
    pub path: PathBuf,
    /// The file name, used as the first half of case ids.
    pub file_name: String,
    pub cases: Vec<TestCase>,
}

/// One `[case ...]` block.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// File name of the `.test` file (not the full path).
    pub file_name: String,
    /// Case name without the `-xfail`/`-skip`/... suffixes.
    pub name: String,
    /// 1-based line of the `[case ...]` header.
    pub line: usize,
    pub flags: CaseFlags,
    /// Source of the main module (`native.py`).
    pub main_source: String,
    /// Extra files of the first step, in file order (`driver.py`, packages, ...).
    pub files: Vec<CaseFile>,
    /// Expected-output sections, in file order.
    pub outputs: Vec<OutputSection>,
    /// True if the case has steps after the first (`[file x.py.2]`, `[out2]`, ...).
    pub multi_step: bool,
    /// `[file X.N]` sections (N >= 2), in file order.
    pub step_files: Vec<StepFile>,
    /// `[delete X.N]` sections (N >= 2): (N, X), in file order.
    pub deleted: Vec<(u32, String)>,
    /// `[rechecked ...]` sets by pass number (the format's numbering:
    /// pass 1 is `[rechecked]`/`[rechecked1]` and describes step 2). A pass
    /// with `[stale ...]` but no `[rechecked ...]` gets the stale set, as in
    /// the format's reference implementation.
    pub rechecked: BTreeMap<u32, BTreeSet<String>>,
    /// `[stale ...]` sets by pass number (modules whose public interface
    /// changed). Parsed and validated (a subset of the rechecked set), but
    /// not checked: the compiler does not report them.
    pub stale: BTreeMap<u32, BTreeSet<String>>,
    /// A problem with the case's sections; the case cannot run.
    pub format_error: Option<FormatError>,
}

/// Suffix flags of a case header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFlags {
    pub xfail: bool,
    pub skip: bool,
    /// `-posix` or `-windows`.
    pub platform: Option<String>,
}

/// A `[file PATH]` section of the first step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    /// Relative path inside the case directory, with `/` separators.
    pub path: String,
    pub contents: String,
}

/// A `[file PATH.N]` section: `PATH` gets `contents` before step `step`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFile {
    pub step: u32,
    /// Relative path inside the case directory (without the `.N`).
    pub path: String,
    pub contents: String,
}

/// What happens to the case directory before a later step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOperation {
    /// Create or replace the file.
    Write { path: String, contents: String },
    /// Delete the file (or directory, with everything in it).
    Delete { path: String },
}

/// An `[out]`/`[outN]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSection {
    /// 1 for `[out]`/`[out1]`, N for `[outN]`.
    pub step: u32,
    /// Conditions from the section arguments (`version>=3.13`).
    pub conditions: Vec<VersionCondition>,
    pub lines: Vec<String>,
}

/// A `version>=X.Y` or `version==X.Y` argument of an `[out]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionCondition {
    AtLeast(Vec<u32>),
    Equal(Vec<u32>),
}

/// A problem in the test file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl TestCase {
    /// The id used in reports and ratchet files: `file::name`.
    pub fn id(&self) -> String {
        format!("{}::{}", self.file_name, self.name)
    }

    /// The expected output of step 1 for an interpreter of `version`: the
    /// last `[out]` section whose conditions hold, or nothing (no `[out]`
    /// means the case must print nothing).
    pub fn expected_output(&self, version: PyVersion) -> Vec<String> {
        self.expected_output_of_step(1, version)
    }

    /// The expected output of `step` (`[out]` for step 1, `[outN]` for step
    /// N): the last such section whose conditions hold, or nothing. As
    /// upstream (`testcase.output2.get(step, [])`), a step without its
    /// `[outN]` must print nothing.
    pub fn expected_output_of_step(&self, step: u32, version: PyVersion) -> Vec<String> {
        self.outputs
            .iter()
            .rev()
            .find(|o| o.step == step && o.conditions.iter().all(|c| c.holds(version)))
            .map(|o| o.lines.clone())
            .unwrap_or_default()
    }

    /// How many steps the case has: the largest N of its `[file X.N]`,
    /// `[delete X.N]` and `[outN]` sections, at least 1.
    pub fn step_count(&self) -> u32 {
        let files = self.step_files.iter().map(|f| f.step);
        let deletes = self.deleted.iter().map(|d| d.0);
        let outputs = self.outputs.iter().map(|o| o.step);
        files
            .chain(deletes)
            .chain(outputs)
            .max()
            .unwrap_or(1)
            .max(1)
    }

    /// The file operations before `step` (>= 2): the writes in file order,
    /// then the deletions, as upstream performs them.
    pub fn operations(&self, step: u32) -> Vec<FileOperation> {
        let writes =
            self.step_files
                .iter()
                .filter(|f| f.step == step)
                .map(|f| FileOperation::Write {
                    path: f.path.clone(),
                    contents: f.contents.clone(),
                });
        let deletes = self
            .deleted
            .iter()
            .filter(|d| d.0 == step)
            .map(|d| FileOperation::Delete { path: d.1.clone() });
        writes.chain(deletes).collect()
    }

    /// The modules expected to be re-checked when building `step` (>= 2):
    /// `[rechecked]` for step 2, `[rechecked2]` for step 3, ...; None when
    /// the case says nothing about that step.
    pub fn expected_rechecked(&self, step: u32) -> Option<&BTreeSet<String>> {
        self.rechecked.get(&step.checked_sub(1)?)
    }

    /// The minimum Python version from a `_pythonX_Y` name suffix, or from a
    /// `run-pythonXY.test` file name.
    pub fn min_python(&self) -> Option<PyVersion> {
        let from_name = version_after(&self.name, "_python", '_');
        let from_file = self
            .file_name
            .strip_prefix("run-python")
            .and_then(|rest| rest.strip_suffix(".test"))
            .and_then(parse_compact_version);
        match (from_name, from_file) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

impl VersionCondition {
    pub fn holds(&self, version: PyVersion) -> bool {
        let actual = [version.0, version.1];
        match self {
            VersionCondition::AtLeast(v) => compare_prefix(&actual, v) != std::cmp::Ordering::Less,
            VersionCondition::Equal(v) => compare_prefix(&actual, v) == std::cmp::Ordering::Equal,
        }
    }
}

/// Compare `actual` with `wanted` on the components `wanted` names
/// (components of `wanted` beyond `actual` count as 0 in `actual`).
fn compare_prefix(actual: &[u32], wanted: &[u32]) -> std::cmp::Ordering {
    for (i, w) in wanted.iter().enumerate() {
        let a = actual.get(i).copied().unwrap_or(0);
        match a.cmp(w) {
            std::cmp::Ordering::Equal => continue,
            other => return other,
        }
    }
    std::cmp::Ordering::Equal
}

/// `X_Y` right after `marker` in `name` (e.g. `_python3_10` → (3, 10)).
fn version_after(name: &str, marker: &str, sep: char) -> Option<PyVersion> {
    let start = name.find(marker)? + marker.len();
    let rest = &name[start..];
    let mut parts = rest.splitn(3, sep);
    let major = parts.next()?.parse().ok()?;
    let minor_text: String = parts
        .next()?
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    Some((major, minor_text.parse().ok()?))
}

/// `312` → (3, 12), `37` → (3, 7).
fn parse_compact_version(text: &str) -> Option<PyVersion> {
    if text.len() < 2 || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (major, minor) = text.split_at(1);
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Read and parse a `.test` file.
pub fn parse_file(path: &Path) -> Result<TestFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let cases = parse_cases(&file_name, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(TestFile {
        path: path.to_path_buf(),
        file_name,
        cases,
    })
}

/// Split `text` into cases. A malformed `[case ...]` header or a duplicate
/// case name is an error for the whole file.
pub fn parse_cases(file_name: &str, text: &str) -> Result<Vec<TestCase>, FormatError> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut headers = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(inner) = line.trim_end().strip_prefix("[case ") {
            let Some(inner) = inner.strip_suffix(']') else {
                return Err(FormatError {
                    line: i + 1,
                    message: format!("malformed case header {line:?}"),
                });
            };
            let (name, flags) = parse_case_header(inner).map_err(|message| FormatError {
                line: i + 1,
                message,
            })?;
            headers.push((i, name, flags));
        }
    }
    let mut cases: Vec<TestCase> = Vec::with_capacity(headers.len());
    for (k, (start, name, flags)) in headers.iter().enumerate() {
        let end = headers.get(k + 1).map_or(lines.len(), |h| h.0);
        if cases.iter().any(|c| &c.name == name) {
            return Err(FormatError {
                line: start + 1,
                message: format!("duplicate case name {name}"),
            });
        }
        let body = &lines[start + 1..end];
        cases.push(build_case(file_name, name, flags.clone(), start + 1, body));
    }
    Ok(cases)
}

/// `testFoo-skip-xfail` → ("testFoo", flags).
fn parse_case_header(inner: &str) -> Result<(String, CaseFlags), String> {
    let mut parts = inner.split('-');
    let name = parts.next().unwrap_or_default().to_string();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("invalid case name {inner:?}"));
    }
    let mut flags = CaseFlags::default();
    for suffix in parts {
        match suffix {
            "xfail" => flags.xfail = true,
            "skip" => flags.skip = true,
            "posix" | "windows" => flags.platform = Some(suffix.to_string()),
            // Cache-mode markers of mypy's incremental tests; no meaning here.
            "writescache" | "only_when_cache" | "only_when_nocache" => {}
            other => return Err(format!("unknown case suffix -{other} in {inner:?}")),
        }
    }
    Ok((name, flags))
}

/// One raw section: id, argument, data lines, 1-based header line.
struct Section {
    id: String,
    arg: Option<String>,
    data: Vec<String>,
    line: usize,
}

fn build_case(
    file_name: &str,
    name: &str,
    flags: CaseFlags,
    header_line: usize,
    body: &[&str],
) -> TestCase {
    let sections = split_sections(header_line, body);
    let mut case = TestCase {
        file_name: file_name.to_string(),
        name: name.to_string(),
        line: header_line,
        flags,
        main_source: String::new(),
        files: Vec::new(),
        outputs: Vec::new(),
        multi_step: false,
        step_files: Vec::new(),
        deleted: Vec::new(),
        rechecked: BTreeMap::new(),
        stale: BTreeMap::new(),
        format_error: None,
    };
    for section in sections {
        if let Err(message) = apply_section(&mut case, section.id.as_str(), &section) {
            case.format_error.get_or_insert(FormatError {
                line: section.line,
                message,
            });
        }
    }
    if let Err(message) = complete_step_expectations(&mut case) {
        case.format_error.get_or_insert(FormatError {
            line: header_line,
            message,
        });
    }
    case
}

/// The format's rules relating `[stale]` and `[rechecked]`: a pass with
/// only `[staleN]` rechecks its stale modules, and the stale modules must be
/// among the rechecked ones.
fn complete_step_expectations(case: &mut TestCase) -> Result<(), String> {
    for (pass, stale) in &case.stale {
        let rechecked = case.rechecked.entry(*pass).or_insert_with(|| stale.clone());
        if !stale.is_subset(rechecked) {
            return Err(format!(
                "stale modules after pass {pass} must be a subset of rechecked modules"
            ));
        }
    }
    Ok(())
}

fn apply_section(case: &mut TestCase, id: &str, section: &Section) -> Result<(), String> {
    if let Some((kind, pass)) = step_expectation(id) {
        return apply_step_expectation(case, kind, pass, section);
    }
    match id {
        "case" => case.main_source = section.data.join("\n"),
        "file" | "outfile" => {
            let path = section
                .arg
                .clone()
                .ok_or_else(|| format!("[{id}] needs a path"))?;
            if let Some((target, step)) = split_step_suffix(&path) {
                case.multi_step = true;
                // `[outfile X.N]` (files a mypy step is expected to write)
                // has no meaning for run cases.
                if id == "file" {
                    if step < 2 {
                        return Err(format!(
                            "[file {path}]: steps after the first are 2, 3, ..."
                        ));
                    }
                    check_relative(target)?;
                    case.step_files.push(StepFile {
                        step,
                        path: target.to_string(),
                        contents: section.data.join("\n"),
                    });
                }
            } else if id == "file" {
                check_relative(&path)?;
                case.files.push(CaseFile {
                    path,
                    contents: section.data.join("\n"),
                });
            }
        }
        "delete" => {
            let arg = section.arg.as_deref().unwrap_or_default();
            let Some((target, step)) = split_step_suffix(arg) else {
                return Err(format!("invalid delete section [delete {arg}]"));
            };
            if step < 2 {
                return Err(format!("can't delete during step {step}"));
            }
            check_relative(target)?;
            case.multi_step = true;
            case.deleted.push((step, target.to_string()));
        }
        // mypy's type-checking fixtures and incremental-mode expectations:
        // they carry no meaning for running the compiled code.
        "fixture" | "builtins" | "typing" | "triggered" | "targets" => {}
        _ if id.starts_with("out") => apply_out(case, id, section)?,
        _ => return Err(format!("unknown section [{id}]")),
    }
    Ok(())
}

/// `[rechecked a, b]`, `[stale2 a]`, ...: a set of module names.
fn apply_step_expectation(
    case: &mut TestCase,
    kind: &str,
    pass: u32,
    section: &Section,
) -> Result<(), String> {
    if pass == 0 {
        return Err(format!("[{kind}0]: passes are numbered from 1"));
    }
    let modules: BTreeSet<String> = section
        .arg
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .collect();
    case.multi_step = true;
    let map = if kind == "stale" {
        &mut case.stale
    } else {
        &mut case.rechecked
    };
    map.insert(pass, modules);
    Ok(())
}

fn apply_out(case: &mut TestCase, id: &str, section: &Section) -> Result<(), String> {
    let digits = &id[3..];
    let step = if digits.is_empty() {
        1
    } else {
        digits
            .parse::<u32>()
            .map_err(|_| format!("unknown section [{id}]"))?
    };
    if step >= 2 {
        case.multi_step = true;
    }
    let conditions = parse_out_args(section.arg.as_deref())?;
    case.outputs.push(OutputSection {
        step: step.max(1),
        conditions,
        lines: section.data.clone(),
    });
    Ok(())
}

/// `[staleN ...]`, `[recheckedN ...]`: expectations about incremental
/// steps. Some((kind, pass number)); no digits is pass 1.
fn step_expectation(id: &str) -> Option<(&'static str, u32)> {
    ["stale", "rechecked"].into_iter().find_map(|p| {
        let digits = id.strip_prefix(p)?;
        if digits.is_empty() {
            Some((p, 1))
        } else if digits.chars().all(|c| c.is_ascii_digit()) {
            Some((p, digits.parse().ok()?))
        } else {
            None
        }
    })
}

/// Arguments of an `[out ...]` header: comma-separated `version>=X.Y`,
/// `version==X.Y` or `skip-path-normalization`.
fn parse_out_args(arg: Option<&str>) -> Result<Vec<VersionCondition>, String> {
    let mut conditions = Vec::new();
    let Some(arg) = arg else {
        return Ok(conditions);
    };
    for part in arg.split(',').map(str::trim) {
        if part == "skip-path-normalization" {
            continue;
        }
        let Some(rest) = part.strip_prefix("version") else {
            return Err(format!("invalid [out] argument {part:?}"));
        };
        let (op, version) = rest.split_at(rest.len().min(2));
        let numbers: Result<Vec<u32>, _> = version.split('.').map(str::parse).collect();
        let numbers = numbers.map_err(|_| format!("invalid version in {part:?}"))?;
        conditions.push(match op {
            ">=" => VersionCondition::AtLeast(numbers),
            "==" => VersionCondition::Equal(numbers),
            _ => return Err(format!("invalid version comparison in {part:?}")),
        });
    }
    Ok(conditions)
}

/// `foo.py.2` → Some(("foo.py", 2)).
fn split_step_suffix(path: &str) -> Option<(&str, u32)> {
    let (target, last) = path.rsplit_once('.')?;
    if target.is_empty() || last.is_empty() || !last.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((target, last.parse().ok()?))
}

/// Case files must stay inside the case directory.
fn check_relative(path: &str) -> Result<(), String> {
    let p = Path::new(path);
    let escapes = p.is_absolute()
        || p.components()
            .any(|c| matches!(c, std::path::Component::ParentDir));
    if escapes || path.is_empty() {
        Err(format!(
            "file path {path:?} must be relative and stay inside the case"
        ))
    } else {
        Ok(())
    }
}

/// Split a case body into sections, applying the comment, escape,
/// continuation and whitespace rules. The first section is the implicit
/// `case` section holding the main module.
fn split_sections(header_line: usize, body: &[&str]) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut current = Section {
        id: "case".to_string(),
        arg: None,
        data: Vec::new(),
        line: header_line,
    };
    for (offset, raw) in body.iter().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if line.starts_with('[') && trimmed.ends_with(']') {
            let finished = std::mem::replace(
                &mut current,
                new_section(&trimmed[1..trimmed.len() - 1], header_line + offset + 1),
            );
            sections.push(finished);
        } else if let Some(escaped) = line.strip_prefix("\\[") {
            current.data.push(format!("[{escaped}"));
        } else if let Some(kept) = line.strip_prefix("----") {
            current.data.push(format!("--{kept}"));
        } else if !line.starts_with("--") {
            current.data.push(line.to_string());
        }
    }
    sections.push(current);
    for section in &mut sections {
        section.data = strip_list(collapse_continuations(&section.data));
    }
    sections
}

fn new_section(header: &str, line: usize) -> Section {
    let (id, arg) = match header.split_once(' ') {
        Some((id, arg)) => (id.to_string(), Some(arg.to_string())),
        None => (header.to_string(), None),
    };
    Section {
        id,
        arg,
        data: Vec::new(),
        line,
    }
}

/// Join a line ending in `\` with the following line.
fn collapse_continuations(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut continued = false;
    for line in lines {
        let text = line.strip_suffix('\\').unwrap_or(line);
        match out.last_mut() {
            Some(prev) if continued => {
                prev.push(' ');
                prev.push_str(text.trim_start());
            }
            _ => out.push(text.to_string()),
        }
        continued = line.ends_with('\\');
    }
    out
}

/// Strip trailing whitespace of every line and trailing empty lines.
fn strip_list(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = lines
        .into_iter()
        .map(|l| l.trim_end().to_string())
        .collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}
