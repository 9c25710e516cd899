//! A small text builder for C: indented lines and fresh temporary names.
//!
//! Emitters for functions, wrappers and module init all write through this
//! type, so indentation and temporary naming are uniform and deterministic
//! (temporaries are numbered in emission order, per function).

use std::fmt::Write;

#[derive(Debug, Default)]
pub struct Emitter {
    out: String,
    indent: usize,
    temps: u32,
    /// What type checks of native classes may compare exactly.
    pub exact: std::sync::Arc<super::ctypes::ExactTypes>,
}

impl Emitter {
    pub fn new() -> Emitter {
        Emitter::default()
    }

    /// An emitter whose type checks use `exact`.
    pub fn with_exact(exact: std::sync::Arc<super::ctypes::ExactTypes>) -> Emitter {
        Emitter {
            exact,
            ..Emitter::default()
        }
    }

    /// Appends one line at the current indentation.
    pub fn line(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if text.is_empty() {
            self.out.push('\n');
            return;
        }
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Appends a line with no indentation (labels, preprocessor lines).
    pub fn raw_line(&mut self, text: impl AsRef<str>) {
        let _ = writeln!(self.out, "{}", text.as_ref());
    }

    /// Appends pre-formatted text verbatim.
    pub fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Opens a C block: emits `head {` (or just `{`) and indents.
    pub fn open(&mut self, head: impl AsRef<str>) {
        let head = head.as_ref();
        if head.is_empty() {
            self.line("{");
        } else {
            self.line(format!("{head} {{"));
        }
        self.indent += 1;
    }

    /// Closes a block opened with `open`, with an optional tail (`} else {`).
    pub fn close(&mut self, tail: impl AsRef<str>) {
        self.indent = self.indent.saturating_sub(1);
        let tail = tail.as_ref();
        if tail.is_empty() {
            self.line("}");
        } else if tail.starts_with(';') {
            self.line(format!("}}{tail}"));
        } else {
            self.line(format!("}} {tail}"));
        }
    }

    /// `} else {`: closes the current block and opens the else branch.
    pub fn else_branch(&mut self) {
        self.indent = self.indent.saturating_sub(1);
        self.line("} else {");
        self.indent += 1;
    }

    /// `} else if (cond) {`: closes the current block and opens another.
    pub fn else_if(&mut self, cond: impl AsRef<str>) {
        self.indent = self.indent.saturating_sub(1);
        self.line(format!("}} else if ({}) {{", cond.as_ref()));
        self.indent += 1;
    }

    /// A fresh temporary name, unique within this emitter.
    pub fn temp(&mut self, prefix: &str) -> String {
        self.temps += 1;
        format!("__{prefix}{}", self.temps)
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_indent_and_temps_are_fresh() {
        let mut e = Emitter::new();
        e.open("if (x)");
        e.line("y = 1;");
        e.else_branch();
        e.line("y = 2;");
        e.close("");
        assert_eq!(e.temp("t"), "__t1");
        assert_eq!(e.temp("t"), "__t2");
        assert_eq!(
            e.finish(),
            "if (x) {\n    y = 1;\n} else {\n    y = 2;\n}\n"
        );
    }
}
