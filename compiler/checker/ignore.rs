//! Which errors the source asks to silence: `# type: ignore` (optionally
//! with `[code, ...]`) on a line, a `# type: ignore` before the first
//! statement (the whole module), and `# mypy:` inline configuration
//! comments (`ignore-errors`, `disable-error-code="..."`).

use std::collections::{HashMap, HashSet};

/// The silencing comments of one module.
#[derive(Debug, Default)]
pub struct Ignores {
    /// Line → codes (empty: every code).
    lines: HashMap<u32, Vec<String>>,
    whole_module: bool,
    disabled_codes: HashSet<String>,
}

/// The comment part of a line, if it has one (a `#` outside simple strings).
fn comment_of(line: &str) -> Option<&str> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, ch) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == q {
                    quote = None;
                }
            }
            None => match ch {
                '#' => return Some(&line[i..]),
                '"' | '\'' => quote = Some(ch),
                _ => {}
            },
        }
    }
    None
}

/// The codes of a `type: ignore` comment: `Some(vec![])` for all codes.
fn ignore_codes(comment: &str) -> Option<Vec<String>> {
    let pos = comment.find("type:")?;
    let rest = comment[pos + 5..].trim_start();
    let rest = rest.strip_prefix("ignore")?;
    if let Some(inner) = rest.strip_prefix('[') {
        let end = inner.find(']').unwrap_or(inner.len());
        return Some(
            inner[..end]
                .split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
        );
    }
    Some(vec![])
}

impl Ignores {
    /// Scan a module's source; `first_stmt_line` is the line of its first
    /// statement (a `# type: ignore` before it silences the module).
    pub fn scan(source: &str, first_stmt_line: u32) -> Ignores {
        let mut out = Ignores::default();
        for (i, line) in source.lines().enumerate() {
            let lineno = i as u32 + 1;
            let Some(comment) = comment_of(line) else {
                continue;
            };
            if let Some(codes) = ignore_codes(comment) {
                if lineno < first_stmt_line && line.trim_start().starts_with('#') {
                    out.whole_module = codes.is_empty() || out.whole_module;
                }
                out.lines.insert(lineno, codes);
            }
            if let Some(cfg) = comment.trim_start_matches('#').trim().strip_prefix("mypy:") {
                out.inline_config(cfg);
            }
        }
        out
    }

    fn inline_config(&mut self, cfg: &str) {
        for part in cfg.split(',').map(str::trim) {
            if part == "ignore-errors" {
                self.whole_module = true;
            }
        }
        if let Some(pos) = cfg.find("disable-error-code") {
            let rest = &cfg[pos + "disable-error-code".len()..];
            let rest = rest.trim_start().trim_start_matches('=').trim();
            let rest = rest.trim_matches('"').trim_matches('\'');
            for code in rest.split(',') {
                self.disabled_codes
                    .insert(code.trim().trim_matches('"').to_string());
            }
        }
    }

    /// The codes of a `# type: ignore[...]` on `line` that does not
    /// silence `code` (mypy adds a note naming them).
    pub fn uncovering_codes(&self, line: u32, code: &str) -> Option<&[String]> {
        match self.lines.get(&line) {
            Some(codes) if !codes.is_empty() && !codes.iter().any(|c| c == code) => Some(codes),
            _ => None,
        }
    }

    /// Is an error with `code` on `line` silenced?
    pub fn silenced(&self, line: u32, code: &str) -> bool {
        if self.whole_module || self.disabled_codes.contains(code) {
            return true;
        }
        match self.lines.get(&line) {
            Some(codes) => codes.is_empty() || codes.iter().any(|c| c == code),
            None => false,
        }
    }
}
