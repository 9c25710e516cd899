//! The one diagnostic type used by every stage of the compiler, rendered in
//! mypy's format: `file:line:col: error: message  [code]`.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column; 0 for a diagnostic about a whole line (rendered
    /// `file:line: ...`).
    pub col: u32,
    pub severity: Severity,
    pub message: String,
    /// mypy's error code (`arg-type`, `name-defined`, ...), if any.
    pub code: Option<String>,
}

impl Diagnostic {
    pub fn error(path: &str, line: u32, col: u32, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            path: path.to_string(),
            line,
            col,
            severity: Severity::Error,
            message: message.into(),
            code: None,
        }
    }

    pub fn note(path: &str, line: u32, col: u32, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(path, line, col, message)
        }
    }

    pub fn with_code(mut self, code: &str) -> Diagnostic {
        self.code = Some(code.to_string());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Note => "note",
        };
        write!(f, "{}:{}:", self.path, self.line)?;
        if self.col > 0 {
            write!(f, "{}:", self.col)?;
        }
        write!(f, " {}: {}", sev, self.message)?;
        if let Some(code) = &self.code {
            write!(f, "  [{code}]")?;
        }
        Ok(())
    }
}

/// A result whose error is a list of diagnostics.
pub type DiagResult<T> = Result<T, Vec<Diagnostic>>;
