//! Facts about the Python interpreter that runs the cases.
//!
//! Asked once per session: the version decides `_pythonX_Y` skips and
//! `[out version>=...]` sections, and the extension suffix tells whether the
//! compiler really produced the `native` extension module.

use std::path::Path;
use std::process::Command;

use super::testfile::PyVersion;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonInfo {
    /// The interpreter command (`python3` unless configured).
    pub exe: String,
    pub version: PyVersion,
    /// `EXT_SUFFIX`, e.g. `.cpython-311-x86_64-linux-gnu.so`.
    pub ext_suffix: String,
}

const PROBE: &str = "import sys, sysconfig\n\
print(sys.version_info[0], sys.version_info[1])\n\
print(sysconfig.get_config_var('EXT_SUFFIX') or '.so')\n";

impl PythonInfo {
    /// Run `exe` once to learn its version and extension suffix.
    pub fn probe(exe: &str) -> Result<PythonInfo, String> {
        let output = Command::new(exe)
            .args(["-c", PROBE])
            .output()
            .map_err(|e| format!("cannot run Python interpreter {exe:?}: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "Python interpreter {exe:?} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let mut lines = text.lines();
        let version = lines
            .next()
            .and_then(parse_version_line)
            .ok_or_else(|| format!("unexpected answer from {exe:?}: {text:?}"))?;
        let ext_suffix = lines.next().unwrap_or(".so").trim().to_string();
        Ok(PythonInfo {
            exe: exe.to_string(),
            version,
            ext_suffix,
        })
    }

    /// True if `dir` holds a built extension for `module` (dotted name).
    pub fn has_extension(&self, dir: &Path, module: &str) -> bool {
        let base = module.replace('.', "/");
        [
            format!("{base}{}", self.ext_suffix),
            format!("{base}.so"),
            format!("{base}.abi3.so"),
        ]
        .iter()
        .any(|name| dir.join(name).is_file())
    }
}

fn parse_version_line(line: &str) -> Option<PyVersion> {
    let mut parts = line.split_whitespace();
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}
