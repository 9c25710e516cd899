//! Facts about the target Python interpreter: where its headers are, the
//! file suffix of extension modules, and its version.
//!
//! They come from running the interpreter once (`sysconfig`); the answer is
//! cached in memory for the rest of the process, per interpreter command.

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
