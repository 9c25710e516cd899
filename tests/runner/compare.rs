//! Comparing a case's actual output with its `[out]` section.
//!
//! The driver's stdout and stderr are one stream. Before comparing, the
//! actual output gets the same clean-up upstream applies: the case
//! directory is removed from `File "..."` traceback lines (interpreted
//! frames carry absolute paths, compiled frames carry `native.py`), trailing
//! spaces and carriage returns go, and object addresses in reprs
//! (`<native.F object at 0x7f...>`) become `0x000000000000` since they
//! differ on every run. Expected lines were already stripped of trailing
//! whitespace by the parser.

/// Normalize raw driver output into comparable lines.
pub fn normalize_output(raw: &str, case_dir: &str) -> Vec<String> {
    let file_prefix = format!("  File \"{case_dir}/");
    let driver_path = format!("{case_dir}/driver.py");
    let replaced = raw.replace(&file_prefix, "  File \"");
    split_lines(&replaced)
        .into_iter()
        .map(|line| {
            let line = line.replace(&driver_path, "driver.py");
            let line = line.trim_end_matches(' ');
            mask_addresses(line)
        })
        .collect()
}

/// Split like Python's `str.splitlines()`: `\n`, `\r\n`, `\r` and the other
/// Unicode line boundaries end a line; a final terminator adds no empty line.
pub fn split_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(std::mem::take(&mut current));
            }
            '\n' | '\u{0b}' | '\u{0c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}'
            | '\u{2029}' => lines.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Replace ` at 0x<hex>>` (the tail of a default object repr) with a fixed
/// address.
fn mask_addresses(line: &str) -> String {
    const MARK: &str = " at 0x";
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(pos) = rest.find(MARK) {
        let after = &rest[pos + MARK.len()..];
        let hex_len = after.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        out.push_str(&rest[..pos + MARK.len()]);
        if hex_len > 0 && after[hex_len..].starts_with('>') {
            out.push_str("000000000000");
        } else {
            out.push_str(&after[..hex_len]);
        }
        rest = &after[hex_len..];
    }
    out.push_str(rest);
    out
}

/// A short, human-readable description of how `actual` differs from
/// `expected`, or None when they are equal. The first line names the first
/// differing line; the following lines show a little context.
pub fn describe_difference(expected: &[String], actual: &[String]) -> Option<Vec<String>> {
    if expected == actual {
        return None;
    }
    let first = expected
        .iter()
        .zip(actual)
        .take_while(|(e, a)| e == a)
        .count();
    let headline = match (expected.get(first), actual.get(first)) {
        (Some(e), Some(a)) => format!("line {}: expected {e:?}, got {a:?}", first + 1),
        (Some(e), None) => format!(
            "output ends after {} lines; expected line {}: {e:?}",
            actual.len(),
            first + 1
        ),
        (None, Some(a)) => format!("unexpected extra output at line {}: {a:?}", first + 1),
        (None, None) => "output differs".to_string(),
    };
    let mut lines = vec![headline];
    lines.extend(excerpt("expected", expected, first));
    lines.extend(excerpt("actual", actual, first));
    Some(lines)
}

/// Up to 8 lines of `lines` from `from`, labelled.
fn excerpt(label: &str, lines: &[String], from: usize) -> Vec<String> {
    const MAX: usize = 8;
    let mut out = vec![format!("{label} (from line {}):", from + 1)];
    if lines.len() <= from {
        out.push("  (nothing)".to_string());
    }
    out.extend(lines.iter().skip(from).take(MAX).map(|l| format!("  {l}")));
    if lines.len() > from + MAX {
        out.push(format!("  ... ({} more lines)", lines.len() - from - MAX));
    }
    out
}
