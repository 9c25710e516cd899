//! Facts about the target Python interpreter: where its headers are, the
//! file suffix of extension modules, and its version.
//!
//! They come from running the interpreter once (`sysconfig`); the answer is
//! cached in memory for the rest of the process, per interpreter command,
//! and (`query_remembered`) on disk per interpreter binary, so that a no-op
//! rebuild starts no interpreter. A command that resolves to a script (a
//! version manager's shim) may run a different interpreter each time, so
//! its answers are never remembered on disk.

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The configuration of one Python interpreter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PythonConfig {
    /// The command used to run it (`python3`, a path...).
    pub executable: String,
    /// `sysconfig.get_config_var("INCLUDEPY")`: the directory of `Python.h`.
    pub include_dir: String,
    /// `sysconfig.get_config_var("EXT_SUFFIX")`, e.g. `.cpython-311-x86_64-linux-gnu.so`.
    pub ext_suffix: String,
    /// `(major, minor)`.
    pub version: (u32, u32),
    /// The full version string (`3.11.7`).
    pub version_string: String,
}

const QUERY: &str = "import sys, sysconfig\n\
print(sysconfig.get_config_var('INCLUDEPY') or '')\n\
print(sysconfig.get_config_var('EXT_SUFFIX') or '')\n\
print('%d.%d.%d' % sys.version_info[:3])\n";

fn cache() -> &'static Mutex<HashMap<String, PythonConfig>> {
    static CACHE: OnceLock<Mutex<HashMap<String, PythonConfig>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

impl PythonConfig {
    /// Asks `python` (a command or path) for its configuration; answers are
    /// cached per command for the life of the process.
    pub fn query(python: &str) -> Result<PythonConfig, String> {
        if let Some(cfg) = cache()
            .lock()
            .map_err(|_| "python config cache poisoned")?
            .get(python)
        {
            return Ok(cfg.clone());
        }
        let cfg = Self::run_query(python)?;
        if let Ok(mut c) = cache().lock() {
            c.insert(python.to_string(), cfg.clone());
        }
        Ok(cfg)
    }

    /// As `query`, remembering answers in `dir/interpreters.json` keyed by
    /// the identity of the interpreter binary `python` resolves to.
    pub fn query_remembered(python: &str, dir: &std::path::Path) -> Result<PythonConfig, String> {
        let Some(identity) = binary_identity(python) else {
            return Self::query(python);
        };
        let file = dir.join("interpreters.json");
        let mut known: std::collections::BTreeMap<String, String> = std::fs::read(&file)
            .ok()
            .and_then(|t| serde_json::from_slice(&t).ok())
            .unwrap_or_default();
        if let Some(cfg) = known
            .get(&identity)
            .and_then(|t| Self::parse(python, t).ok())
        {
            if let Ok(mut c) = cache().lock() {
                c.insert(python.to_string(), cfg.clone());
            }
            return Ok(cfg);
        }
        let cfg = Self::query(python)?;
        let answer = format!(
            "{}\n{}\n{}\n",
            cfg.include_dir, cfg.ext_suffix, cfg.version_string
        );
        known.insert(identity, answer);
        if let Ok(json) = serde_json::to_vec(&known) {
            let _ = std::fs::create_dir_all(dir);
            let _ = crate::build::driver::write_atomic(&file, &json);
        }
        Ok(cfg)
    }

    fn run_query(python: &str) -> Result<PythonConfig, String> {
        let output = Command::new(python)
            .arg("-c")
            .arg(QUERY)
            .output()
            .map_err(|e| format!("cannot run Python interpreter '{python}': {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "Python interpreter '{python}' failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Self::parse(python, &String::from_utf8_lossy(&output.stdout))
    }

    /// Parses the three lines printed by the query script.
    fn parse(python: &str, text: &str) -> Result<PythonConfig, String> {
        let mut lines = text.lines().map(str::trim);
        let include_dir = lines.next().unwrap_or("").to_string();
        let ext_suffix = lines.next().unwrap_or("").to_string();
        let version_string = lines.next().unwrap_or("").to_string();
        if include_dir.is_empty() || ext_suffix.is_empty() {
            return Err(format!(
                "Python interpreter '{python}' reports no INCLUDEPY/EXT_SUFFIX"
            ));
        }
        let mut parts = version_string.split('.').map(|p| p.parse::<u32>());
        let version = match (parts.next(), parts.next()) {
            (Some(Ok(major)), Some(Ok(minor))) => (major, minor),
            _ => return Err(format!("cannot parse Python version '{version_string}'")),
        };
        Ok(PythonConfig {
            executable: python.to_string(),
            include_dir,
            ext_suffix,
            version,
            version_string,
        })
    }
}

/// What identifies the interpreter binary `python` runs: the path it
/// resolves to on `PATH`, the size and modification time of the file that
/// path leads to, and those of a virtual environment's `pyvenv.cfg`. None
/// when it cannot be found or is a script.
fn binary_identity(python: &str) -> Option<String> {
    use std::io::Read;
    let path = resolve_command(python)?;
    let mut head = [0u8; 2];
    std::fs::File::open(&path)
        .ok()?
        .read_exact(&mut head)
        .ok()?;
    if &head == b"#!" {
        return None;
    }
    let stamp = |p: &std::path::Path| {
        std::fs::metadata(p).ok().map(|m| {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{mtime}", m.len())
        })
    };
    let venv = path.parent()?.parent()?.join("pyvenv.cfg");
    Some(format!(
        "{}|{}|{}",
        path.display(),
        stamp(&path)?,
        stamp(&venv).unwrap_or_default()
    ))
}

/// The file a command names: itself when it holds a `/`, else the first
/// match on `PATH`.
fn resolve_command(command: &str) -> Option<std::path::PathBuf> {
    if command.contains('/') {
        let p = std::path::PathBuf::from(command);
        return p.is_file().then_some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(command))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_query_output() {
        let cfg = PythonConfig::parse(
            "py",
            "/inc/python3.11\n.cpython-311-x86_64-linux-gnu.so\n3.11.7\n",
        )
        .unwrap();
        assert_eq!(cfg.version, (3, 11));
        assert_eq!(cfg.ext_suffix, ".cpython-311-x86_64-linux-gnu.so");
        assert!(PythonConfig::parse("py", "\n\n3.11.7\n").is_err());
    }

    #[test]
    fn missing_interpreter_is_an_error() {
        assert!(PythonConfig::query("/nonexistent/python-for-test").is_err());
    }
}
